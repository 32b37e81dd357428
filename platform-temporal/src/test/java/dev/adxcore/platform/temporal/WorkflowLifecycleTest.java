package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowStub;
import io.temporal.common.context.ContextPropagator;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

@Timeout(60)
class WorkflowLifecycleTest {

    private TemplateHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    /**
     * A propagator placed before the platform one: the SDK calls it first when a task starts on a pooled
     * thread, so it sees the MDC exactly as the previous task left it.
     */
    static final class MdcProbe implements ContextPropagator {
        final Queue<Map<String, String>> leftovers = new ConcurrentLinkedQueue<>();

        @Override
        public String getName() {
            return "mdc-probe";
        }

        @Override
        public Map<String, Payload> serializeContext(Object context) {
            return Map.of();
        }

        @Override
        public Object deserializeContext(Map<String, Payload> header) {
            return "probe";
        }

        @Override
        public Object getCurrentContext() {
            return "probe";
        }

        @Override
        public void setCurrentContext(Object context) {
            Map<String, String> platformKeys = new HashMap<>();
            for (String key : List.of("tenant_id", "user_id", "correlation_id", "trace_id")) {
                String value = MDC.get(key);
                if (value != null) {
                    platformKeys.put(key, value);
                }
            }
            WorkflowContext.current().ifPresent(c -> platformKeys.put("WorkflowContext.current()", c.toString()));
            leftovers.add(platformKeys);
        }
    }

    @Test
    void neitherContextNorMdcSurvivesATaskOnPooledThreads() {
        MdcProbe probe = new MdcProbe();
        harness = new TemplateHarness(TemporalPlatform.clientOptions()
                .setContextPropagators(List.of(probe, platformPropagator())));
        harness.start(harness.runner().permissionChecker((ctx, op) -> true)
                .workerOptions(WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(1)
                        .setMaxConcurrentLocalActivityExecutionSize(1).build()));

        for (int i = 0; i < 4; i++) {
            StandardWorkflowTest.result(harness.client.start(Orders.PlaceOrderWorkflow.class,
                    TemplateHarness.context("tenant-" + i), "order-" + i, Orders.Order.of("ok")));
        }

        assertThat(harness.activities.seen).hasSize(4)
                .allSatisfy(seen -> assertThat(seen.mdc()).containsKey("tenant_id"));
        assertThat(probe.leftovers).isNotEmpty().allSatisfy(left -> assertThat(left).isEmpty());
    }

    private static ContextPropagator platformPropagator() {
        return TemporalPlatform.clientOptions().build().getContextPropagators().get(0);
    }

    @Test
    void duplicateStartWhileRunningReturnsTheRunningExecution() throws Exception {
        harness = new TemplateHarness();
        harness.startPermitting();

        WorkflowStub first = harness.start("order-1", Orders.Order.of("block"));
        harness.activities.entered.await();
        WorkflowStub second = harness.start("order-1", Orders.Order.of("block"));
        harness.activities.release.countDown();

        assertThat(second.getExecution()).isEqualTo(first.getExecution());
        StandardWorkflowTest.result(second);
        assertThat(harness.activities.reserveAttempts).hasValue(1);
    }

    @Test
    void duplicateStartAfterCompletionReturnsTheFinishedExecution() {
        harness = new TemplateHarness();
        harness.startPermitting();
        WorkflowStub first = harness.start("order-1", Orders.Order.of("ok"));
        StandardWorkflowOutput<Orders.Placed> firstOutput = StandardWorkflowTest.result(first);

        WorkflowStub second = harness.start("order-1", Orders.Order.of("ok"));

        assertThat(second.getExecution().getRunId()).isEqualTo(first.getExecution().getRunId());
        assertThat(StandardWorkflowTest.result(second)).isEqualTo(firstOutput);
        assertThat(harness.activities.reserveAttempts).hasValue(1);
    }

    /**
     * A worker without a sticky queue. A real Temporal server moves a workflow task whose sticky worker is
     * gone back to the normal task queue after the sticky schedule-to-start timeout (5 s by default); the
     * SDK's test server does not implement that timeout, so a restarted worker would never see the task.
     */
    private TemporalWorkerRunner startNonStickyWorker() {
        return harness.start(harness.runner().permissionChecker((ctx, op) -> true).workerOptions(
                WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build()));
    }

    @Test
    void workflowResumesOnANewWorkerAfterTheFirstOneStops() throws Exception {
        harness = new TemplateHarness();
        TemporalWorkerRunner first = startNonStickyWorker();
        WorkflowStub stub = harness.start("order-1", Orders.Order.of("block"));
        harness.activities.entered.await();

        first.shutdownNow();
        startNonStickyWorker();
        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(stub);

        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(harness.activities.reserveAttempts).hasValueGreaterThanOrEqualTo(2);
        assertThat(harness.nextEvent().type()).isEqualTo("order.place.completed");
    }

    @Test
    void gracefulShutdownLetsTheInFlightActivityFinish() throws Exception {
        harness = new TemplateHarness();
        TemporalWorkerRunner runner = startNonStickyWorker();
        WorkflowStub stub = harness.start("order-1", Orders.Order.of("block"));
        harness.activities.entered.await();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(runner::close);
        Awaitility.await().until(() -> !runner.isRunning());
        harness.activities.release.countDown();
        closing.get();
        startNonStickyWorker();
        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(stub);

        assertThat(output.result()).isEqualTo(new Orders.Placed("R-book-1"));
        assertThat(harness.activities.reserveAttempts).hasValue(1);
    }
}
