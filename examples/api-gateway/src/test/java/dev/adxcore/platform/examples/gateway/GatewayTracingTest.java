package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With an OTel SDK installed: a SERVER span per request and a CLIENT span per upstream attempt, with the HTTP semantic
 * conventions and the route template (never the raw path); the upstream receives the CLIENT span as its
 * {@code traceparent}.
 */
class GatewayTracingTest extends GatewayTestSupport {

    private static final String INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    @BeforeEach
    void forgetSpans() {
        OTEL.clearSpans();
    }

    private static List<SpanData> spansOfOneRequest(int expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> OTEL.getSpans().size() >= expected);
        return OTEL.getSpans();
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind) {
        return spans.stream()
                .filter(s -> s.getKind() == kind)
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + kind + " span: " + spans);
                })
                .orElseThrow();
    }

    @Test
    void aProxiedRequestIsAServerSpanParentingTheUpstreamClientSpanWhichTheUpstreamContinues() throws Exception {
        HttpResponse<String> response =
                send(authorized("/api/v1/users/42?expand=roles").header("traceparent", INCOMING));
        assertThat(response.statusCode()).isEqualTo(200);

        List<SpanData> spans = spansOfOneRequest(2);
        SpanData server = only(spans, SpanKind.SERVER);
        SpanData client = only(spans, SpanKind.CLIENT);
        assertThat(server.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(server.getName()).isEqualTo("GET /api/v1/users/**");
        assertThat(server.getAttributes().asMap())
                .extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
                .contains(
                        "http.request.method=GET",
                        "http.route=/api/v1/users/**",
                        "http.response.status_code=200",
                        "url.scheme=http");
        assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(client.getName()).isEqualTo("GET");
        assertThat(client.getAttributes().asMap())
                .extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
                .contains(
                        "http.request.method=GET",
                        "url.template=/api/v1/users/**",
                        "http.response.status_code=200",
                        "server.address=127.0.0.1");
        // Bounded: neither the raw path with its id nor the query is recorded anywhere.
        assertThat(spans)
                .allSatisfy(s -> assertThat(s.getName() + s.getAttributes())
                        .doesNotContain("42")
                        .doesNotContain("expand"));

        assertThat(upstream.take().header("traceparent"))
                .isEqualTo("00-" + client.getTraceId() + "-" + client.getSpanId() + "-01");
    }

    @Test
    void aMalformedTraceparentStartsANewRootWithoutError() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/users/1").header("traceparent", "00-not-a-trace-01"));
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData server = only(spansOfOneRequest(2), SpanKind.SERVER);
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(upstream.take().header("traceparent")).startsWith("00-" + server.getTraceId() + "-");
    }

    @Test
    void anUpstreamFailureIsAnErrorOnBothSpans() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/down/1"));
        assertThat(response.statusCode()).isEqualTo(502);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> OTEL.getSpans().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER));
        List<SpanData> spans = OTEL.getSpans();
        SpanData server = only(spans, SpanKind.SERVER);
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(server.getAttributes().asMap().toString()).contains("http.response.status_code=502");
        // Every attempt (the retries of an idempotent request included) is a CLIENT span of the request.
        assertThat(spans)
                .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
                .isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId());
                    assertThat(c.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                });
    }

    @Test
    void aRequestThatIsNotRoutedHasNoRouteAndNoClientSpan() throws Exception {
        assertThat(send(authorized("/api/v1/nowhere/7")).statusCode()).isEqualTo(404);

        SpanData server = only(spansOfOneRequest(1), SpanKind.SERVER);
        assertThat(server.getName()).isEqualTo("GET");
        assertThat(server.getAttributes().asMap().toString())
                .doesNotContain("http.route")
                .doesNotContain("nowhere");
        assertThat(OTEL.getSpans()).noneMatch(s -> s.getKind() == SpanKind.CLIENT);
    }
}
