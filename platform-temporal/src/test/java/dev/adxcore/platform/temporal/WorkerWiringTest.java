package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the context binding gets onto workers a team builds itself (a {@code TestWorkflowEnvironment}'s). */
@Timeout(60)
class WorkerWiringTest {

    private static TestWorkflowEnvironment environment(WorkflowClientOptions clientOptions) {
        return TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(clientOptions)
                .build());
    }

    private static Orders.OrderActivitiesImpl register(TestWorkflowEnvironment env, EventBus bus) {
        Worker worker = env.newWorker(TemplateHarness.QUEUE);
        Orders.OrderActivitiesImpl activities = new Orders.OrderActivitiesImpl();
        worker.registerWorkflowImplementationTypes(Orders.PlaceOrderWorkflowImpl.class);
        worker.registerActivitiesImplementations(activities);
        TemporalPlatform.registerTemplateActivities(worker, bus, (ctx, op) -> true);
        env.start();
        return activities;
    }

    @Test
    void clientOptionsAloneBindTheContextOnTheWorkersOfATestEnvironment() {
        try (TestWorkflowEnvironment env =
                        environment(TemporalPlatform.clientOptions().build());
                EventBus bus = EventBuses.open(URI.create("memory:/"))) {
            Orders.OrderActivitiesImpl activities = register(env, bus);

            StandardWorkflowOutput<Orders.Placed> output =
                    StandardWorkflowTest.result(TemplateClient.create(env.getWorkflowClient(), TemplateHarness.QUEUE)
                            .start(
                                    Orders.PlaceOrderWorkflow.class,
                                    TemplateHarness.context(TemplateHarness.TENANT_A),
                                    "o-1",
                                    Orders.Order.of("ok")));

            assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(activities.seen)
                    .singleElement()
                    .satisfies(seen -> assertThat(seen.context())
                            .isEqualTo(TemplateHarness.causedBy(
                                    TemplateHarness.context(TemplateHarness.TENANT_A), output.workflowId())));
        }
    }

    @Test
    void aWorkerWithoutThePlatformInterceptorFailsTheWorkflowTaskNamingTheFixAndRunsNothing() {
        WorkflowClientOptions withoutPlugin =
                TemporalPlatform.clientOptions().setPlugins().build();
        try (TestWorkflowEnvironment env = environment(withoutPlugin);
                EventBus bus = EventBuses.open(URI.create("memory:/"))) {
            Orders.OrderActivitiesImpl activities = register(env, bus);

            WorkflowStub stub = TemplateClient.create(env.getWorkflowClient(), TemplateHarness.QUEUE)
                    .start(
                            Orders.PlaceOrderWorkflow.class,
                            TemplateHarness.context(TemplateHarness.TENANT_A),
                            "o-1",
                            Orders.Order.of("ok"));

            String workflowId = stub.getExecution().getWorkflowId();
            Optional<HistoryEvent> failed = Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(
                            () -> env.getWorkflowClient().fetchHistory(workflowId).getEvents().stream()
                                    .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
                                    .findFirst(),
                            Optional::isPresent);
            StringBuilder messages = new StringBuilder();
            for (Failure f = failed.orElseThrow()
                            .getWorkflowTaskFailedEventAttributes()
                            .getFailure();
                    ;
                    f = f.getCause()) {
                messages.append(f.getMessage()).append('\n');
                if (!f.hasCause()) {
                    break;
                }
            }
            assertThat(messages.toString())
                    .contains("carries a PlatformContext but the worker does not bind it")
                    .contains("TemporalPlatform.workerFactoryOptions()");
            assertThat(activities.seen).isEmpty();
        }
    }
}
