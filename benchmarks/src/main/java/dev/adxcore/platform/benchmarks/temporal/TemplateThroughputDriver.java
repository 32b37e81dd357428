package dev.adxcore.platform.benchmarks.temporal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.temporal.TemplateClient;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workflows per minute on the embedded (port-bound, in-process) Temporal dev server, one JVM: the
 * standard template against a bare workflow with the same activities (two local no-ops and one
 * activity), and against a workflow with the business activity only, in alternating rounds of the same
 * run so machine load hits all three alike. Not JMH: throughput of a closed loop with a fixed number of
 * workflows in flight needs a driver, not a per-invocation timer.
 *
 * <p>Arguments: {@code [secondsPerRound=20] [rounds=3] [inFlight=32]}. Each workflow is started with a
 * synchronous start request and counted when its result arrives; template workflows go through
 * {@link TemplateClient} (context in headers, id {@code type/tenant/key}) and publish their completion
 * event on the in-memory bus, which one subscription consumes.
 */
public final class TemplateThroughputDriver {

    private TemplateThroughputDriver() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        AtomicLong events = new AtomicLong();
        try (TemporalConnection temporal = TemporalConnection.open(TemporalConfig.builder()
                        .embeddedPort(0)
                        .taskQueue("bench")
                        .build());
                EventBus bus = EventBuses.open(URI.create("memory:/"))) {
            bus.subscribe(EventSubscription.builder("bench-consumer", e -> events.incrementAndGet())
                    .types("*")
                    .build());
            try (TemporalWorkerRunner worker = TemporalWorkerRunner.builder(temporal)
                    .eventBus(bus)
                    .permissionChecker((ctx, op) -> true)
                    .workflowImplementationTypes(
                            BenchWorkflows.TemplateOrderWorkflowImpl.class,
                            BenchWorkflows.BareOrderWorkflowImpl.class,
                            BenchWorkflows.BusinessOnlyWorkflowImpl.class)
                    .activityImplementations(new BenchWorkflows.BenchActivitiesImpl())
                    .shutdownTimeout(Duration.ofSeconds(5))
                    .build()) {
                worker.start();
                TemplateClient templates = temporal.templateClient();
                PlatformContext context = PlatformContext.builder()
                        .tenantId(UUID.randomUUID())
                        .userId("u-1")
                        .roles("member")
                        .build();
                Starter template = () -> templates.start(
                        BenchWorkflows.TemplateOrderWorkflow.class,
                        context,
                        UUID.randomUUID().toString(),
                        new BenchWorkflows.Order("book", 1));
                Starter bare = () -> bare(temporal, "BareOrderWorkflow");
                Starter businessOnly = () -> bare(temporal, "BusinessOnlyWorkflow");

                System.out.printf(
                        "warm-up %d s each, then %d rounds of %d s each, %d workflows in flight%n",
                        Math.max(5, seconds / 2), rounds, seconds, inFlight);
                run(template, Math.max(5, seconds / 2), inFlight);
                run(bare, Math.max(5, seconds / 2), inFlight);
                run(businessOnly, Math.max(5, seconds / 2), inFlight);
                List<double[]> results = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    double t = run(template, seconds, inFlight);
                    double b = run(bare, seconds, inFlight);
                    double o = run(businessOnly, seconds, inFlight);
                    results.add(new double[] {t, b, o});
                    System.out.printf(
                            "round %d: template %.0f/min, bare (same activities) %.0f/min, business-only "
                                    + "%.0f/min, template/bare %.2f, template/business-only %.2f%n",
                            r, t, b, o, t / b, t / o);
                }
                double t = results.stream().mapToDouble(x -> x[0]).average().orElse(0);
                double b = results.stream().mapToDouble(x -> x[1]).average().orElse(0);
                double o = results.stream().mapToDouble(x -> x[2]).average().orElse(0);
                System.out.printf(
                        "mean: template %.0f/min, bare (same activities) %.0f/min, business-only %.0f/min, "
                                + "template/bare %.2f, template/business-only %.2f; completion events consumed: %d%n",
                        t, b, o, t / b, t / o, events.get());
            }
        }
    }

    @FunctionalInterface
    private interface Starter {
        WorkflowStub start();
    }

    private static WorkflowStub bare(TemporalConnection temporal, String type) {
        WorkflowStub stub = temporal.client()
                .newUntypedWorkflowStub(
                        type,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue("bench")
                                .setWorkflowId(type + "/" + UUID.randomUUID())
                                .build());
        stub.start(new BenchWorkflows.Order("book", 1));
        return stub;
    }

    /** Closed loop: keeps {@code inFlight} workflows running for {@code seconds}; returns completions per minute. */
    private static double run(Starter starter, int seconds, int inFlight) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            WorkflowStub stub = starter.start();
            stub.getResultAsync(Object.class).whenComplete((r, e) -> {
                if (e == null) {
                    completed.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                permits.release();
            });
        }
        long countedAtDeadline = completed.get();
        double minutes = (System.nanoTime() - start) / 60e9;
        permits.acquire(inFlight); // drain, so the next measurement starts from an idle server
        permits.release(inFlight);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " workflows failed");
        }
        return countedAtDeadline / minutes;
    }
}
