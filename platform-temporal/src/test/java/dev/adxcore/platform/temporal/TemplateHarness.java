package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test environment (in-process Temporal test server), the real in-memory bus and a recorder of its events. */
final class TemplateHarness implements AutoCloseable {

    static final String QUEUE = "orders";
    static final UUID TENANT_A = UUID.fromString("0b6f1f5e-3a1d-4c8e-9f00-0000000000a1");
    static final UUID TENANT_B = UUID.fromString("0b6f1f5e-3a1d-4c8e-9f00-0000000000b2");
    static final TraceParent TRACE = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();

    final TestWorkflowEnvironment env;
    final EventBus bus = EventBuses.open(URI.create("memory:/"));
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final Orders.OrderActivitiesImpl activities = new Orders.OrderActivitiesImpl();
    final TemplateClient client;
    private final List<TemporalWorkerRunner> runners = new ArrayList<>();

    TemplateHarness() {
        this(TemporalPlatform.clientOptions());
    }

    TemplateHarness(WorkflowClientOptions.Builder clientOptions) {
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(clientOptions.build())
                .build());
        bus.subscribe(
                EventSubscription.builder("recorder", events::add).types("*").build());
        Orders.WORKFLOW_SEEN.clear();
        client = TemplateClient.create(env.getWorkflowClient(), QUEUE);
    }

    TemporalWorkerRunner.Builder runner() {
        return TemporalWorkerRunner.builder(env.getWorkflowClient(), QUEUE)
                .eventBus(bus)
                .workflowImplementationTypes(Orders.PlaceOrderWorkflowImpl.class, Orders.ShipWorkflowImpl.class)
                .activityImplementations(activities)
                .shutdownTimeout(java.time.Duration.ofSeconds(2));
    }

    TemporalWorkerRunner start(TemporalWorkerRunner.Builder builder) {
        TemporalWorkerRunner runner = builder.build();
        runners.add(runner);
        runner.start();
        return runner;
    }

    TemporalWorkerRunner startPermitting() {
        return start(runner().permissionChecker((ctx, op) -> true));
    }

    /** The context of a request of {@code tenant}: user-7 with role "member", a fixed correlation id and trace. */
    static PlatformContext context(UUID tenant) {
        return PlatformContext.builder()
                .tenantId(tenant)
                .userId("user-7")
                .roles("member")
                .correlationId("corr-" + tenant.toString().substring(30))
                .causationId("request-1")
                .trace(TRACE)
                .build();
    }

    /** {@code context} as the workflow's activities, child workflows and events see it: caused by the workflow. */
    static PlatformContext causedBy(PlatformContext context, String workflowId) {
        return context.toBuilder().causationId(workflowId).build();
    }

    WorkflowStub start(String key, Orders.Order order) {
        return client.start(Orders.PlaceOrderWorkflow.class, context(TENANT_A), key, order);
    }

    /**
     * Runs a successful sentinel workflow and returns every event published before its completion event
     * (the bus delivers in order to one subscriber), so a test can assert that nothing else was published.
     */
    List<Event> eventsBeforeSentinel() throws InterruptedException {
        WorkflowStub sentinel = start("sentinel", Orders.Order.of("ok"));
        sentinel.getResult(StandardWorkflowOutput.class);
        List<Event> before = new ArrayList<>();
        while (true) {
            Event event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("the sentinel's completion event never arrived; saw " + before);
            }
            if (event.subject().orElse("").endsWith("/sentinel")) {
                return before;
            }
            before.add(event);
        }
    }

    Event nextEvent() throws InterruptedException {
        Event event = events.poll(10, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event published within 10 s");
        }
        return event;
    }

    @Override
    public void close() {
        for (TemporalWorkerRunner runner : runners) {
            runner.shutdownNow();
        }
        env.close();
        bus.close();
    }
}
