package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Metrics and health details live on the management listener; the public port keeps bare probes. */
class GatewayManagementTest extends GatewayTestSupport {

    @Test
    void publicPortRefusesMetrics() throws Exception {
        HttpResponse<String> anonymous = send(request("/metrics"));
        HttpResponse<String> withToken = get("/metrics");

        assertThat(anonymous.statusCode()).isEqualTo(404);
        assertThat(withToken.statusCode()).isEqualTo(404);
        assertThat(anonymous.body() + withToken.body()).doesNotContain("jvm_").doesNotContain("http_server");
    }

    @Test
    void publicPortRefusesTheDetailedHealthReport() throws Exception {
        HttpResponse<String> response = send(request("/health"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("upstream");
    }

    @Test
    void publicProbesAnswerTheirStatusAndNothingElse() throws Exception {
        HttpResponse<String> ready = send(request("/health/ready"));
        HttpResponse<String> live = send(request("/health/live"));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"DEGRADED\"}"); // the route "down" has no upstream
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void managementListenerServesMetricsAndDetailedHealthOnLoopback() throws Exception {
        HttpResponse<String> metrics = send(management("/metrics"));
        HttpResponse<String> health = send(management("/health"));

        assertThat(gateway.managementUri().getHost()).isEqualTo("127.0.0.1");
        assertThat(gateway.managementUri().getPort()).isNotEqualTo(gateway.port());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("resilience4j_circuitbreaker_state");
        assertThat(health.body())
                .contains("\"upstream.users\"")
                .contains("\"upstream.down\"")
                .contains("circuitBreaker")
                .doesNotContain(upstream.baseUrl());
    }
}
