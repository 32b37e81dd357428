package dev.adxcore.platform.examples.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The examples' bootstrap against a tiny OTLP/HTTP receiver on a local port: the spans the platform makes arrive
 * there when the settings ask for export, and without {@code OTEL_*} settings no SDK is installed at all.
 */
class OtlpTracingTest {

    private final AtomicInteger traceExports = new AtomicInteger();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private OpenTelemetrySdk installed;

    @BeforeEach
    void startReceiver() throws IOException {
        GlobalOpenTelemetry.resetForTest();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                if (exchange.getRequestMethod().equals("POST")) {
                    bodies.add(readAll(in));
                    contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                    traceExports.incrementAndGet();
                }
            }
            // An empty body is an empty ExportTraceServiceResponse: everything accepted.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (installed != null) {
            installed.shutdown().join(10, TimeUnit.SECONDS);
        }
        GlobalOpenTelemetry.resetForTest();
        receiver.stop(0);
    }

    @Test
    void spansReachTheOtlpEndpointWhenTheSettingsAskForExport() {
        installed = OtlpTracing.install(
                        "tenant-service",
                        () -> Map.of("otel.traces.exporter", "otlp", "otel.exporter.otlp.endpoint", receiverUrl("")))
                .orElseThrow(() -> new AssertionError("no SDK installed"));

        assertThat(PlatformTracing.global().isEnabled())
                .as("the platform's spans go to the installed SDK")
                .isTrue();
        endOneSpanAndFlush("GET /api/v1/users/{id}");

        assertThat(traceExports).as("POSTs to /v1/traces").hasPositiveValue();
        assertThat(contentTypes).allMatch(t -> t.startsWith("application/x-protobuf"));
        String exported = new String(bodies.get(0), StandardCharsets.ISO_8859_1);
        assertThat(exported)
                .as("the protobuf carries the span's name and the example's service name")
                .contains("GET /api/v1/users/{id}")
                .contains("tenant-service");
    }

    @Test
    void anEndpointAloneTurnsExportOn() {
        installed = OtlpTracing.install(
                        "api-gateway", () -> Map.of("otel.exporter.otlp.traces.endpoint", receiverUrl("/v1/traces")))
                .orElseThrow(() -> new AssertionError("no SDK installed"));

        endOneSpanAndFlush("send user.created");

        assertThat(traceExports).hasPositiveValue();
    }

    @Test
    void withoutOtelSettingsNoSdkIsInstalledAndTheGlobalStaysNoOp() {
        assertThat(OtlpTracing.install("tenant-service", Map::of)).isEmpty();

        assertThat(PlatformTracing.global().isEnabled())
                .as("GlobalOpenTelemetry is the API's no-op")
                .isFalse();
        assertThat(traceExports).hasValue(0);
    }

    @Test
    void tracesExporterNoneKeepsTheSdkOutEvenWithAnEndpoint() {
        Optional<OpenTelemetrySdk> sdk = OtlpTracing.install(
                "tenant-service",
                () -> Map.of("otel.traces.exporter", "none", "otel.exporter.otlp.endpoint", receiverUrl("")));

        assertThat(sdk).isEmpty();
        assertThat(PlatformTracing.global().isEnabled()).isFalse();
    }

    private String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    /** A span through the platform's tracing, as the libraries make them, then the SDK's export of it. */
    private void endOneSpanAndFlush(String name) {
        PlatformTracing.global()
                .span(name, SpanKind.INTERNAL, PlatformTracing.currentContext())
                .startSpan()
                .end();
        assertThat(installed
                        .getSdkTracerProvider()
                        .forceFlush()
                        .join(10, TimeUnit.SECONDS)
                        .isSuccess())
                .as("the export succeeded")
                .isTrue();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
