package dev.adxcore.platform.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.temporal.TemplateClient;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Temporal: conditions, the worker registering workflow types and activity beans, back-offs. */
class PlatformTemporalAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    PlatformEventsAutoConfiguration.class, PlatformTemporalAutoConfiguration.class));

    @Test
    void nothingWithoutTargetOrEmbedded() {
        runner.run(ctx -> assertThat(ctx)
                .hasNotFailed()
                .doesNotHaveBean(TemporalConnection.class)
                .doesNotHaveBean(TemporalWorkerRunner.class));
    }

    @Test
    void rpcTimeoutBoundsClientCallsAndDefaultsToFiveSeconds() {
        runner.withPropertyValues("platform.temporal.embedded=true", "platform.temporal.embedded-port=0")
                .run(ctx -> assertThat(ctx.getBean(dev.adxcore.platform.temporal.TemporalConfig.class)
                                .rpcTimeout())
                        .isEqualTo(Duration.ofSeconds(5)));
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.rpc-timeout=750ms")
                .run(ctx -> assertThat(ctx.getBean(dev.adxcore.platform.temporal.TemporalConfig.class)
                                .rpcTimeout())
                        .isEqualTo(Duration.ofMillis(750)));
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.rpc-timeout=soon")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("platform.temporal.rpc-timeout"));
    }

    @Test
    void nothingWithoutPlatformTemporalJar() {
        runner.withPropertyValues("platform.temporal.embedded=true")
                .withClassLoader(new FilteredClassLoader(TemporalConnection.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("temporalConnection"));
    }

    @Test
    void workerRunsTheDeclaredWorkflowWithTheActivityBean() {
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.task-queue=spring-test",
                        "platform.temporal.worker.workflow-types=" + GreetingWorkflowImpl.class.getName())
                .withBean(GreetingActivitiesImpl.class)
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(WorkflowClient.class)
                            .hasSingleBean(TemplateClient.class);
                    assertThat(ctx.getBean(TemporalWorkerRunner.class).isRunning())
                            .isTrue();
                    GreetingWorkflow wf = ctx.getBean(WorkflowClient.class)
                            .newWorkflowStub(
                                    GreetingWorkflow.class,
                                    WorkflowOptions.newBuilder()
                                            .setTaskQueue("spring-test")
                                            .setWorkflowExecutionTimeout(Duration.ofSeconds(30))
                                            .build());
                    assertThat(wf.greet("Ada")).isEqualTo("Hello, Ada");
                });
    }

    @Test
    void workflowTypesBeanIsRegisteredToo() {
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.task-queue=spring-test-2")
                .withBean(TemporalWorkflowTypes.class, () -> TemporalWorkflowTypes.of(GreetingWorkflowImpl.class))
                .withBean(GreetingActivitiesImpl.class)
                .run(ctx -> {
                    GreetingWorkflow wf = ctx.getBean(WorkflowClient.class)
                            .newWorkflowStub(
                                    GreetingWorkflow.class,
                                    WorkflowOptions.newBuilder()
                                            .setTaskQueue("spring-test-2")
                                            .setWorkflowExecutionTimeout(Duration.ofSeconds(30))
                                            .build());
                    assertThat(wf.greet("Grace")).isEqualTo("Hello, Grace");
                });
    }

    @Test
    void noWorkerWithoutEventBusOrWhenSwitchedOff() {
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.events.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .hasNotFailed()
                        .hasSingleBean(TemporalConnection.class)
                        .doesNotHaveBean(TemporalWorkerRunner.class));
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.worker.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(TemporalWorkerRunner.class));
    }

    @Test
    void workerBacksOffForTheApplicationsOwn() {
        runner.withPropertyValues("platform.temporal.embedded=true", "platform.temporal.embedded-port=0")
                .withBean("myRunner", TemporalWorkerRunner.class, () -> null)
                .run(ctx -> assertThat(ctx)
                        .doesNotHaveBean("temporalWorkerRunner")
                        .doesNotHaveBean("temporalWorkerLifecycle"));
    }

    @Test
    void unknownWorkflowClassStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.worker.workflow-types=com.example.Missing")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("platform.temporal.worker.workflow-types")
                            .hasMessageContaining("com.example.Missing");
                });
    }

    @Test
    void connectionBacksOffForTheApplicationsOwnBus() {
        runner.withPropertyValues(
                        "platform.temporal.embedded=true",
                        "platform.temporal.embedded-port=0",
                        "platform.temporal.worker.enabled=false")
                .withBean("myBus", EventBus.class, () -> EventBuses.open("memory:"))
                .run(ctx -> assertThat(ctx).hasSingleBean(EventBus.class).hasBean("myBus"));
    }

    /** The test workflow. */
    @WorkflowInterface
    public interface GreetingWorkflow {
        /**
         * @param name who
         * @return the greeting
         */
        @WorkflowMethod
        String greet(String name);
    }

    /** The test activity. */
    @ActivityInterface
    public interface GreetingActivities {
        /**
         * @param name who
         * @return the greeting
         */
        String compose(String name);
    }

    /** Calls the activity. */
    public static class GreetingWorkflowImpl implements GreetingWorkflow {
        private final GreetingActivities activities = Workflow.newActivityStub(
                GreetingActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(10))
                        .build());

        @Override
        public String greet(String name) {
            return activities.compose(name);
        }
    }

    /** A Spring bean implementing the activity. */
    public static class GreetingActivitiesImpl implements GreetingActivities {
        @Override
        public String compose(String name) {
            return "Hello, " + name;
        }
    }
}
