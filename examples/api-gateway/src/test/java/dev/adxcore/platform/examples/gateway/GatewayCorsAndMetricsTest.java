package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class GatewayCorsAndMetricsTest extends GatewayTestSupport {

    @Test
    void preflightFromAnAllowedOriginIsAnsweredWithoutAToken() throws Exception {
        HttpResponse<String> response = send(request("/api/v1/users/1")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("authorization, content-type");
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void preflightFromAnotherOriginIsForbidden() throws Exception {
        HttpResponse<String> response = send(request("/api/v1/users/1")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void responsesToAnAllowedOriginCarryCorsHeaders() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/users/1").header("Origin", ALLOWED_ORIGIN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("X-Correlation-Id");
    }

    @Test
    void metricsAreTaggedByRouteTemplateAndStatusNeverByRawPath() throws Exception {
        get("/api/v1/users/8f14e45f-ceea-467f-a0f0-2a1b3c4d5e6f");
        get("/api/v1/unrouted-service-xyz/1");

        String metrics = send(management("/metrics")).body();
        assertThat(metrics)
                .contains("uri=\"/api/v1/users/**\"")
                .contains("status=\"200\"")
                .contains("uri=\"UNKNOWN\"")
                .doesNotContain("8f14e45f")
                .doesNotContain("unrouted-service-xyz");
    }

    @Test
    void upstreamHealthIsReportedWithoutFailingReadiness() throws Exception {
        HttpResponse<String> response = send(management("/health/ready"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"status\":\"DEGRADED\"")
                .contains("\"upstream.down\"")
                .contains("\"upstream.users\"")
                .doesNotContain("127.0.0.1");
    }
}
