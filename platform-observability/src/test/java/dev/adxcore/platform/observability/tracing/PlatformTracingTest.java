package dev.adxcore.platform.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge between the platform context and OTel: propagation, one source of truth, the no-SDK path. */
class PlatformTracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    @Test
    void aSpanBoundWithAContextIsTheContextsTraceAndContinuesTheIncomingTrace() {
        PlatformTracing tracing = PlatformTracing.of(OTEL.getOpenTelemetry());
        Context parent = PlatformTracing.extract(PARENT, "v=1");
        Span span = tracing.span("GET /users", SpanKind.SERVER, parent).startSpan();
        PlatformContext ctx = PlatformContext.builder().correlationId("c-1").build();
        try (PlatformTracing.Scope ignored = PlatformTracing.bind(span, ctx)) {
            TraceParent bound =
                    PlatformContext.current().flatMap(PlatformContext::trace).orElseThrow();
            assertThat(bound.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(bound.spanId()).isEqualTo(Span.current().getSpanContext().getSpanId());
            assertThat(PlatformContext.current().flatMap(PlatformContext::traceState))
                    .contains("v=1");
            assertThat(PlatformTracing.inject(Context.current())).containsEntry("traceparent", bound.toHeader());
        } finally {
            span.end();
        }
        assertThat(PlatformContext.current()).isEmpty();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        List<SpanData> spans = OTEL.getSpans();
        assertThat(spans).singleElement().satisfies(s -> {
            assertThat(s.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(s.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        });
    }

    @Test
    void aMalformedTraceparentStartsANewRootWithoutError() {
        PlatformTracing tracing = PlatformTracing.of(OTEL.getOpenTelemetry());
        for (String bad : new String[] {
            "00-bad",
            "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "x".repeat(10_000)
        }) {
            Span span = tracing.span("in", SpanKind.SERVER, PlatformTracing.extract(bad, null))
                    .startSpan();
            span.end();
        }
        assertThat(OTEL.getSpans()).hasSize(4).allSatisfy(s -> {
            assertThat(s.getParentSpanContext().isValid()).isFalse();
            assertThat(s.getTraceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        });
    }

    @Test
    void aContextBoundWithoutASpanIsTheParentOfTheNextSpan() {
        PlatformContext ctx = PlatformContext.builder()
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .build();
        try (PlatformContext.Scope ignored = ctx.bind()) {
            PlatformTracing.of(OTEL.getOpenTelemetry())
                    .span("work", SpanKind.INTERNAL, PlatformTracing.currentContext())
                    .startSpan()
                    .end();
        }
        assertThat(OTEL.getSpans())
                .singleElement()
                .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo("00f067aa0ba902b7"));
    }

    @Test
    void withNoSdkNothingBreaksAndTheContextKeepsItsOwnTrace() {
        PlatformTracing noop = PlatformTracing.of(OpenTelemetry.noop());
        TraceParent incoming = TraceParent.parse(PARENT).orElseThrow().newChild();
        PlatformContext ctx = PlatformContext.builder().trace(incoming).build();
        Span span = noop.span("x", SpanKind.CONSUMER, PlatformTracing.parentFor(ctx))
                .startSpan();
        try (PlatformTracing.Scope ignored = PlatformTracing.bind(span, ctx)) {
            assertThat(PlatformContext.current().flatMap(PlatformContext::trace))
                    .contains(incoming);
            assertThat(Span.current().getSpanContext().getTraceId()).isEqualTo(incoming.traceId());
        } finally {
            span.end();
        }
        assertThat(PlatformTracing.agentAttached()).isFalse();
    }

    @Test
    void isEnabledOnlyWhenAnSdkProvidesTheTracer() {
        assertThat(PlatformTracing.of(OpenTelemetry.noop()).isEnabled()).isFalse();
        assertThat(PlatformTracing.of(OpenTelemetry.propagating(
                                io.opentelemetry.context.propagation.ContextPropagators.noop()))
                        .isEnabled())
                .isFalse();
        assertThat(PlatformTracing.of(OTEL.getOpenTelemetry()).isEnabled()).isTrue();
        assertThat(PlatformTracing.global().isEnabled())
                .as("the extension installed its SDK as the global one")
                .isTrue();
    }
}
