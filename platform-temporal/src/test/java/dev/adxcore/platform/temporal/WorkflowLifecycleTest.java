package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.PlatformContext;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowStub;
import io.temporal.common.context.ContextPropagator;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
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
            for (String key : List.of(
                    MdcKeys.TENANT_ID,
                    MdcKeys.USER_ID,
                    MdcKeys.CORRELATION_ID,
                    MdcKeys.CAUSATION_ID,
                    MdcKeys.TRACE_ID,
                    MdcKeys.SPAN_ID)) {
                String value = MDC.get(key);
                if (value != null) {
                    platformKeys.put(key, value);
                }
            }
            PlatformContext.current().ifPresent(c -> platformKeys.put("PlatformContext.current()", c.toString()));
            leftovers.add(platformKeys);
        }
    }

    @Test
    void neitherContextNorMdcSurvivesATaskOnPooledThreads() {
        MdcProbe probe = new MdcProbe();
        harness = new TemplateHarness(
                TemporalPlatform.clientOptions().setContextPropagators(List.of(probe, platformPropagator())));
        harness.start(harness.runner()
                .permissionChecker((ctx, op) -> true)
                .workerOptions(WorkerOptions.newBuilder()
                        .setMaxConcurrentActivityExecutionSize(1)
                        .setMaxConcurrentLocalActivityExecutionSize(1)
                        .build()));

        for (int i = 0; i < 4; i++) {
            StandardWorkflowTest.result(harness.client.start(
                    Orders.PlaceOrderWorkflow.class,
                    TemplateHarness.context(tenant(i)),
                    "order-" + i,
                    Orders.Order.of("ok")));
        }

        assertThat(harness.activities.seen)
                .hasSize(4)
                .allSatisfy(seen -> assertThat(seen.mdc()).containsKey("tenant_id"));
        assertThat(probe.leftovers)
                .isNotEmpty()
                .allSatisfy(left -> assertThat(left).isEmpty());
    }

    private static ContextPropagator platformPropagator() {
        return TemporalPlatform.clientOptions().build().getContextPropagators().get(0);
    }

    static UUID tenant(int i) {
        return UUID.fromString(String.format("7e4a0000-0000-4000-8000-%012d", i + 1));
    }

    /**
     * Twelve tenants' workflows at once on a worker that keeps one workflow in its cache (so the others are evicted,
     * their blocked threads destroyed, and replayed from history), one activity slot and one local-activity slot (so
     * every activity reuses the same thread), with activities that throw and are retried, one that always throws,
     * and signals, updates and queries sent from client threads bound to another tenant.
     */
    @Test
    @Timeout(120)
    void manyTenantsOnFewPooledThreadsNeverSeeEachOthersContextAcrossFailuresAndEvictions() throws Exception {
        int tenants = 12;
        PlatformContext sender = TemplateHarness.context(UUID.fromString("5e4de000-0000-4000-8000-000000000000"));
        try (Probes.ProbeHarness probes = new Probes.ProbeHarness(
                WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(1).setMaxWorkflowThreadCount(24),
                WorkerOptions.newBuilder()
                        .setMaxConcurrentWorkflowTaskExecutionSize(2)
                        .setMaxConcurrentActivityExecutionSize(1)
                        .setMaxConcurrentLocalActivityExecutionSize(1)
                        .build())) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            Map<String, PlatformContext> sent = new HashMap<>();
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < tenants; i++) {
                String workflowId = "probe-" + i;
                PlatformContext context = TemplateHarness.context(tenant(i)).toBuilder()
                        .correlationId("corr-" + i)
                        .build();
                sent.put(workflowId, context);
                results.add(clients.submit(() -> {
                    WorkflowStub stub = probes.start(workflowId, context);
                    probes.pokeTouchAndPeek(stub, sender);
                    return stub.getResult(String.class);
                }));
            }
            for (Future<String> result : results) {
                assertThat(result.get()).startsWith("probe-");
            }
            clients.shutdown();

            assertThat(Probes.ThreadStateProbe.violations()).isEmpty();
            assertThat(Probes.ThreadStateProbe.CHECKS).hasValueGreaterThan(tenants * 10);
            assertThat(Probes.OBSERVED).allSatisfy(seen -> {
                PlatformContext expected = sent.get(seen.workflowId());
                assertThat(seen.context())
                        .as(seen.where() + " of " + seen.workflowId() + " on " + seen.thread())
                        .isEqualTo(
                                Probes.byActivity(seen)
                                        ? TemplateHarness.causedBy(expected, seen.workflowId())
                                        : expected);
                assertThat(seen.mdcTenant())
                        .as("MDC of " + seen.where() + " of " + seen.workflowId())
                        .isEqualTo(expected.tenantId().orElseThrow().toString());
            });
            Map<String, Long> constructions = Probes.OBSERVED.stream()
                    .filter(seen -> seen.where().equals("workflow constructor"))
                    .collect(Collectors.groupingBy(Probes.Observation::workflowId, Collectors.counting()));
            assertThat(constructions.values())
                    .as("workflows were evicted and replayed")
                    .anyMatch(n -> n > 1);
            Map<String, Set<String>> tenantsPerThread = new HashMap<>();
            Probes.OBSERVED.forEach(seen -> tenantsPerThread
                    .computeIfAbsent(seen.thread().split(" ")[0], t -> new HashSet<>())
                    .add(seen.workflowId()));
            assertThat(tenantsPerThread.values())
                    .as("pooled threads ran several tenants' code")
                    .anyMatch(workflows -> workflows.size() > 1);
        }
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

        assertThat(second.getExecution().getRunId())
                .isEqualTo(first.getExecution().getRunId());
        assertThat(StandardWorkflowTest.result(second)).isEqualTo(firstOutput);
        assertThat(harness.activities.reserveAttempts).hasValue(1);
    }

    /**
     * A worker without a sticky queue. A real Temporal server moves a workflow task whose sticky worker is
     * gone back to the normal task queue after the sticky schedule-to-start timeout (5 s by default); the
     * SDK's test server does not implement that timeout, so a restarted worker would never see the task.
     */
    private TemporalWorkerRunner startNonStickyWorker() {
        return harness.start(harness.runner()
                .permissionChecker((ctx, op) -> true)
                .workerOptions(WorkerOptions.newBuilder()
                        .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                        .build()));
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
