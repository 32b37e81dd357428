package dev.adxcore.platform.observability.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import dev.adxcore.platform.observability.metrics.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final Pattern URI_TAG = Pattern.compile("^http_server_requests_seconds_count\\{.*uri=\"([^\"]*)\"");

    private final HttpClient client = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = MeterRegistries.prometheus("orders", "orders-7f9c");
    private final ManagementServer server = ManagementServer.builder()
            .port(0)
            .prometheusRegistry(registry)
            .build()
            .start();

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(server.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    @Test
    void scrapeContainsHttpAndJvmMetersWithCommonTags() throws Exception {
        HttpServerMetrics metrics = HttpServerMetrics.builder(registry)
                .routes(List.of("/orders/{id}"))
                .build();
        HttpServerMetrics.Sample sample = metrics.start();
        sample.stop("GET", "/orders/{id}", 200);
        String body = scrape();
        assertThat(body)
                .contains(
                        "http_server_requests_seconds_count{instance=\"orders-7f9c\",method=\"GET\",outcome=\"SUCCESS\","
                                + "service=\"orders\",status=\"200\",uri=\"/orders/{id}\"} 1",
                        "http_server_requests_active{instance=\"orders-7f9c\",service=\"orders\"} 0",
                        "jvm_memory_used_bytes{",
                        "jvm_threads_live_threads{",
                        "jvm_classes_loaded_classes{",
                        "jvm_gc_",
                        "process_uptime_seconds{",
                        "process_cpu_usage{",
                        "system_cpu_count{");
    }

    @Test
    void tagValuesStayBoundedWhenTenThousandDistinctRawPathsAreRecorded() throws Exception {
        HttpServerMetrics metrics = HttpServerMetrics.builder(registry)
                .routes(List.of("/orders", "/orders/{id}"))
                .build();
        for (int i = 0; i < 10_000; i++) {
            String rawPath = "/orders/" + UUID.randomUUID() + "?tenant=" + i;
            metrics.record(i % 2 == 0 ? "GET" : "get", rawPath, 200 + (i % 3), Duration.ofMillis(1));
        }
        metrics.record("BREW", null, 999, Duration.ofMillis(1));
        metrics.record("GET", "/orders/{id}", 404, Duration.ofMillis(1));

        String body = scrape();
        Set<String> uris = body.lines()
                .map(URI_TAG::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        long series = body.lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{"))
                .count();
        assertThat(uris).containsExactlyInAnyOrder("UNKNOWN", "/orders/{id}");
        // GET/OTHER x 200/201/202 for UNKNOWN, OTHER/UNKNOWN status, and the one 404
        assertThat(series).isEqualTo(8);
        assertThat(body)
                .contains("method=\"OTHER\",outcome=\"UNKNOWN\",service=\"orders\",status=\"UNKNOWN\",uri=\"UNKNOWN\"")
                .contains("outcome=\"CLIENT_ERROR\",service=\"orders\",status=\"404\",uri=\"/orders/{id}\"");
        assertThat(body).doesNotContain("tenant=");
    }
}
