package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quotas with in-memory buckets (no Redis configured): one gateway, route {@code users} with its own
 * quota of 3 requests per minute, route {@code open} exempt ({@code off}), keyed by tenant.
 */
class GatewayQuotaTest {

    private static TestUpstream upstream;
    private static ApiGateway gateway;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        gateway = ApiGateway.start(GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", upstream.baseUrl())
                .route("open", upstream.baseUrl())
                .jwtSecret(GatewayTestSupport.SECRET)
                .jwtIssuer(GatewayTestSupport.ISSUER)
                .jwtAudience(GatewayTestSupport.AUDIENCE)
                .defaultQuota(new GatewayConfig.Quota(1000, Duration.ofMinutes(1)))
                .routeQuota("users", new GatewayConfig.Quota(3, Duration.ofMinutes(1)))
                .routeQuota("open", null)
                .build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    private static HttpResponse<String> call(String path, String user, String tenant) throws Exception {
        return call(path, GatewayTestSupport.token(user, tenant, List.of()), new String[0]);
    }

    private static HttpResponse<String> call(String path, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void overQuotaAnswers429WithRetryAfterAndTheDraftRateLimitFields() throws Exception {
        String tenant = "t-over";
        for (int left = 2; left >= 0; left--) {
            long remaining = left;
            HttpResponse<String> ok = call("/api/v1/users/1", "alice", tenant);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Policy")).hasValue("\"users\";q=3;w=60");
            assertThat(ok.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("\"users\";r=" + remaining + ";t="));
        }
        upstream.clear();

        HttpResponse<String> refused = call("/api/v1/users/1", "alice", tenant);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 60L));
        assertThat(refused.headers().firstValue("RateLimit"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("\"users\";r=0;t="));
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"users\";q=3;w=60");
        assertThat(refused.body()).contains("\"error\":\"too_many_requests\"").doesNotContain(tenant);
        assertThat(upstream.poll())
                .as("a refused request never reaches the service")
                .isNull();
    }

    @Test
    void eachTenantHasItsOwnBucket() throws Exception {
        for (int i = 0; i < 4; i++) {
            call("/api/v1/users/1", "alice", "t-noisy");
        }

        assertThat(call("/api/v1/users/1", "bob", "t-quiet").statusCode()).isEqualTo(200);
    }

    @Test
    void theBucketIsChosenByTheVerifiedTokenNeverByAForgedTenantHeader() throws Exception {
        for (int i = 0; i < 4; i++) {
            call("/api/v1/users/1", "alice", "t-victim");
        }
        String attacker = GatewayTestSupport.token("mallory", "t-attacker", List.of());
        upstream.clear();

        HttpResponse<String> forged = call("/api/v1/users/1", attacker, "X-Tenant-Id", "t-victim");

        assertThat(forged.statusCode())
                .as("the attacker's own, unused bucket decides")
                .isEqualTo(200);
        assertThat(upstream.take().header("X-Tenant-Id")).isEqualTo("t-attacker");
    }

    @Test
    void usersOfOneTenantShareItsBucketByDefault() throws Exception {
        call("/api/v1/users/1", "u1", "t-shared");
        call("/api/v1/users/1", "u2", "t-shared");
        call("/api/v1/users/1", "u3", "t-shared");

        assertThat(call("/api/v1/users/1", "u4", "t-shared").statusCode()).isEqualTo(429);
    }

    @Test
    void aRouteWhoseQuotaIsOffIsNotLimited() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = call("/api/v1/open/1", "alice", "t-open");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("RateLimit")).isEmpty();
        }
    }

    @Test
    void throttledRequestsAreCountedByRouteAndNeverTaggedWithTheTenant() throws Exception {
        String tenant = "t-metrics-7f3a";
        for (int i = 0; i < 5; i++) {
            call("/api/v1/users/1", "alice", tenant);
        }

        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(gateway.managementUri() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();

        assertThat(metrics)
                .containsPattern("gateway_quota_throttled_total\\{[^}]*route=\"/api/v1/users/\\*\\*\"[^}]*} [1-9]")
                .doesNotContain(tenant);
    }
}
