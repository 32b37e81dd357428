package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One workflow start is one trace: the client's {@code StartWorkflow} span parents the worker's {@code RunWorkflow},
 * which parents the {@code StartActivity}/{@code StartChildWorkflow} spans of its commands, each parenting the
 * {@code RunActivity}/{@code RunWorkflow} that executes it; what the activities publish joins it too. Replays make
 * no second span.
 */
@Timeout(60)
class TemporalTracingTest {

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    /** A workflow that waits for one signal. */
    @WorkflowInterface
    public interface Pinged {
        @WorkflowMethod
        String awaitPing();

        @SignalMethod
        void ping(String word);
    }

    /** Returns the word it was signalled. */
    public static final class PingedImpl implements Pinged {
        private String word;

        @Override
        public String awaitPing() {
            Workflow.await(() -> word != null);
            return word;
        }

        @Override
        public void ping(String word) {
            this.word = word;
        }
    }

    private static Map<String, SpanData> byName(List<SpanData> spans) {
        return spans.stream().collect(Collectors.toMap(SpanData::getName, Function.identity()));
    }

    private static void assertParent(Map<String, SpanData> spans, String child, String parent) {
        assertThat(spans).containsKeys(child, parent);
        String actual = OTEL.getSpans().stream()
                .filter(s -> s.getSpanId().equals(spans.get(child).getParentSpanId()))
                .map(SpanData::getName)
                .findFirst()
                .orElse(spans.get(child).getParentSpanId());
        assertThat(actual).as("parent of " + child).isEqualTo(parent);
        assertThat(spans.get(child).getParentSpanId())
                .as("parent of " + child)
                .isEqualTo(spans.get(parent).getSpanId());
    }

    private List<SpanData> awaitSpans(String lastName) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> OTEL.getSpans().stream().anyMatch(s -> s.getName().equals(lastName)));
        return OTEL.getSpans();
    }

    @Test
    void oneWorkflowStartIsOneTraceThroughItsActivitiesChildWorkflowAndEvents() {
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();
            Span request = OTEL.getOpenTelemetry()
                    .getTracer("test")
                    .spanBuilder("request")
                    .setSpanKind(SpanKind.SERVER)
                    .startSpan();
            StandardWorkflowOutput<Orders.Placed> output;
            try (Scope ignored = request.makeCurrent()) {
                output = StandardWorkflowTest.result(harness.start("o-1", Orders.Order.of("child")));
            } finally {
                request.end();
            }
            assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);

            List<SpanData> spans = awaitSpans("send order.place.completed");
            assertThat(spans)
                    .extracting(SpanData::getTraceId)
                    .containsOnly(request.getSpanContext().getTraceId());
            assertThat(spans)
                    .extracting(SpanData::getName)
                    .containsOnlyOnce(
                            "RunWorkflow:PlaceOrderWorkflow",
                            "RunWorkflow:ShipWorkflow",
                            "StartActivity:Reserve",
                            "RunActivity:Reserve",
                            "StartChildWorkflow:ShipWorkflow");
            Map<String, SpanData> named = byName(spans.stream()
                    .filter(s -> !s.getName().contains("CheckPermission")
                            && !s.getName().contains("PublishEvent"))
                    .toList());
            assertParent(named, "StartWorkflow:PlaceOrderWorkflow", "request");
            assertParent(named, "RunWorkflow:PlaceOrderWorkflow", "StartWorkflow:PlaceOrderWorkflow");
            assertParent(named, "StartActivity:Reserve", "RunWorkflow:PlaceOrderWorkflow");
            assertParent(named, "RunActivity:Reserve", "StartActivity:Reserve");
            assertParent(named, "StartChildWorkflow:ShipWorkflow", "RunWorkflow:PlaceOrderWorkflow");
            assertParent(named, "RunWorkflow:ShipWorkflow", "StartChildWorkflow:ShipWorkflow");
            assertParent(named, "StartActivity:Ship", "RunWorkflow:ShipWorkflow");
            assertParent(named, "RunActivity:Ship", "StartActivity:Ship");
            assertThat(named.get("StartWorkflow:PlaceOrderWorkflow").getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(named.get("RunWorkflow:PlaceOrderWorkflow").getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(named.get("StartActivity:Reserve").getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(named.get("RunActivity:Reserve").getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(named.get("RunWorkflow:PlaceOrderWorkflow")
                            .getAttributes()
                            .asMap()
                            .toString())
                    .contains("temporal.workflow.id=" + output.workflowId());

            // The template's completion event: published by its local activity, in that activity's span.
            SpanData producer = named.get("send order.place.completed");
            SpanData publishRun = spans.stream()
                    .filter(s -> s.getSpanId().equals(producer.getParentSpanId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(publishRun.getName()).isEqualTo("RunActivity:AdxPlatform.PublishEvent");
            SpanData publishStart = spans.stream()
                    .filter(s -> s.getSpanId().equals(publishRun.getParentSpanId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(publishStart.getName()).isEqualTo("StartActivity:AdxPlatform.PublishEvent");
            assertThat(publishStart.getParentSpanId())
                    .isEqualTo(named.get("RunWorkflow:PlaceOrderWorkflow").getSpanId());
        }
    }

    @Test
    void activitiesSeeTheirSpanAsThePlatformContextTrace() {
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();
            assertThat(StandardWorkflowTest.result(harness.start("o-2", Orders.Order.of("ok")))
                            .status())
                    .isEqualTo(WorkflowStatus.COMPLETED);

            SpanData run = awaitSpans("RunActivity:Reserve").stream()
                    .filter(s -> s.getName().equals("RunActivity:Reserve"))
                    .findFirst()
                    .orElseThrow();
            assertThat(harness.activities.seen).singleElement().satisfies(seen -> {
                assertThat(seen.context().trace().orElseThrow().traceId()).isEqualTo(run.getTraceId());
                assertThat(seen.context().trace().orElseThrow().spanId()).isEqualTo(run.getSpanId());
            });
        }
    }

    @Test
    void replayingAWorkflowsHistoryMakesNoSpans() throws Exception {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                        .setWorkflowClientOptions(
                                TemporalPlatform.clientOptions().build())
                        .build());
                EventBus bus = EventBuses.open(URI.create("memory:/"))) {
            Worker worker = env.newWorker(TemplateHarness.QUEUE);
            worker.registerWorkflowImplementationTypes(
                    Orders.PlaceOrderWorkflowImpl.class, Orders.ShipWorkflowImpl.class);
            worker.registerActivitiesImplementations(new Orders.OrderActivitiesImpl());
            TemporalPlatform.registerTemplateActivities(worker, bus, (ctx, op) -> true);
            env.start();
            StandardWorkflowOutput<Orders.Placed> output =
                    StandardWorkflowTest.result(TemplateClient.create(env.getWorkflowClient(), TemplateHarness.QUEUE)
                            .start(
                                    Orders.PlaceOrderWorkflow.class,
                                    TemplateHarness.context(TemplateHarness.TENANT_A),
                                    "o-3",
                                    Orders.Order.of("child")));
            assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
            List<SpanData> spans = awaitSpans("send order.place.completed");
            // With no OTel span current, the client continues the platform context's trace.
            assertThat(spans).extracting(SpanData::getTraceId).containsOnly(TemplateHarness.TRACE.traceId());
            OTEL.clearSpans();

            WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(output.workflowId()), worker);

            assertThat(OTEL.getSpans()).isEmpty();
        }
    }

    @Test
    void aSignalIsAClientSpanAndItsHandlerAServerSpanOnTheWorker() {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(TemporalPlatform.clientOptions().build())
                .build())) {
            env.newWorker("pings").registerWorkflowImplementationTypes(PingedImpl.class);
            env.start();
            Pinged stub = env.getWorkflowClient()
                    .newWorkflowStub(
                            Pinged.class,
                            WorkflowOptions.newBuilder()
                                    .setTaskQueue("pings")
                                    .setWorkflowId("ping-1")
                                    .build());
            WorkflowClient.start(stub::awaitPing);
            Span request = OTEL.getOpenTelemetry()
                    .getTracer("test")
                    .spanBuilder("request")
                    .startSpan();
            try (Scope ignored = request.makeCurrent()) {
                stub.ping("hello");
            } finally {
                request.end();
            }

            assertThat(WorkflowStub.fromTyped(stub).getResult(String.class)).isEqualTo("hello");
            Map<String, SpanData> named = byName(awaitSpans("RunWorkflow:Pinged"));
            assertParent(named, "SignalWorkflow:ping", "request");
            assertThat(named.get("SignalWorkflow:ping").getKind()).isEqualTo(SpanKind.CLIENT);
            // The client writes _tracer-data into the signal's header (as for a start), but the in-process test
            // server does not record signal headers in its history, so here the handler's span has no parent.
            assertThat(named.get("HandleSignal:ping").getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(named.get("HandleSignal:ping").getAttributes().asMap().toString())
                    .contains("temporal.signal.name=ping", "temporal.workflow.id=ping-1");
        }
    }
}
