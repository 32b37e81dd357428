package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long";

    private static GatewayConfig.Builder valid() {
        return GatewayConfig.builder()
                .route("users", "http://127.0.0.1:8081")
                .jwtSecret(SECRET)
                .jwtIssuer("iss")
                .jwtAudience("aud");
    }

    @Test
    void readsEveryRouteAndTimeoutFromTheEnvironment() {
        GatewayConfig config = GatewayConfig.builder()
                .environment(Map.of(
                        "PLATFORM_GATEWAY_ROUTES", "users=http://127.0.0.1:8081, orders=http://10.0.0.5:9000/base",
                        "PLATFORM_GATEWAY_ROUTE_TIMEOUTS", "orders=250ms",
                        "PLATFORM_GATEWAY_DEFAULT_TIMEOUT", "3s",
                        "PLATFORM_GATEWAY_JWT_SECRET", SECRET,
                        "PLATFORM_GATEWAY_JWT_ISSUER", "iss",
                        "PLATFORM_GATEWAY_JWT_AUDIENCE", "aud",
                        "PLATFORM_GATEWAY_PORT", "9090"))
                .build();

        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.routes().get("users").timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.routes().get("orders").timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.routes().get("orders").baseUri().toString()).isEqualTo("http://10.0.0.5:9000/base");
    }

    @Test
    void secretNeverAppearsInToString() {
        assertThat(valid().build().toString()).doesNotContain(SECRET).contains("jwtSecret=****");
    }

    @Test
    void missingKeySourceIsRejectedNamingBothSettings() {
        assertThatThrownBy(() -> GatewayConfig.builder()
                        .route("users", "http://127.0.0.1:8081")
                        .jwtIssuer("iss")
                        .jwtAudience("aud")
                        .build())
                .hasMessage("token verification needs exactly one key source: set jwtSecret"
                        + " (PLATFORM_GATEWAY_JWT_SECRET) or jwksUrl (PLATFORM_GATEWAY_JWKS_URL); neither was set");
    }

    @Test
    void shortSecretIsRejectedWithItsLength() {
        assertThatThrownBy(() -> valid().jwtSecret("short").build())
                .hasMessage("jwtSecret must be at least 32 bytes for [HS256] (was 5 bytes); generate one with:"
                        + " openssl rand -base64 48");
    }

    @Test
    void algorithmNoneIsRejected() {
        assertThatThrownBy(() -> valid().jwtAlgorithms(List.of("none")).build())
                .hasMessageStartingWith("jwtAlgorithms must not contain 'none'");
    }

    @Test
    void publicKeyAlgorithmWithASharedSecretIsRejected() {
        assertThatThrownBy(
                        () -> valid().jwtAlgorithms(List.of("HS256", "RS256")).build())
                .hasMessageStartingWith("jwtAlgorithms contains 'RS256', which does not fit a shared jwtSecret");
    }

    @Test
    void routeWithoutSchemeIsRejectedWithAnExample() {
        assertThatThrownBy(() -> valid().route("orders", "localhost:8082").build())
                .hasMessage("route 'orders' base URL must be an absolute http:// or https:// URL with a host"
                        + " (was 'localhost:8082'); for example http://127.0.0.1:8081");
    }

    @Test
    void malformedDurationNamesTheVariable() {
        assertThatThrownBy(() -> valid().environment(Map.of("PLATFORM_GATEWAY_DEFAULT_TIMEOUT", "soon")))
                .hasMessage("PLATFORM_GATEWAY_DEFAULT_TIMEOUT must be a duration such as 500ms, 30s, 5m, 1h or PT30S"
                        + " (was 'soon')");
    }

    @Test
    void trustedProxyHostNameIsRejected() {
        assertThatThrownBy(
                        () -> valid().trustedProxies(List.of("proxy.internal")).build())
                .hasMessage("trustedProxies entries must be IP literals or CIDR ranges such as 10.0.0.0/8"
                        + " (was 'proxy.internal'); host names are not accepted");
    }

    @Test
    void tokenCacheIsOnByDefaultAndConfigurableFromTheEnvironment() {
        assertThat(valid().build().tokenCacheSize()).isEqualTo(10_000);
        assertThat(valid().build().tokenCacheTtl()).isEqualTo(Duration.ofSeconds(60));

        GatewayConfig config = valid().environment(
                        Map.of("PLATFORM_GATEWAY_TOKEN_CACHE_SIZE", "0", "PLATFORM_GATEWAY_TOKEN_CACHE_TTL", "5s"))
                .build();

        assertThat(config.tokenCacheSize()).isZero();
        assertThat(config.tokenCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.mutate().build().tokenCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void tokenCacheSettingsAreValidated() {
        assertThatThrownBy(() -> valid().tokenCacheSize(-1).build())
                .hasMessage("tokenCacheSize must be between 0 (off) and 1000000 (was -1)");
        assertThatThrownBy(() -> valid().tokenCacheTtl(Duration.ZERO).build())
                .hasMessage("tokenCacheTtl must be > 0 (was PT0S)");
        assertThatThrownBy(() -> valid().tokenCacheTtl(Duration.ofHours(2)).build())
                .hasMessageStartingWith("tokenCacheTtl must be at most 1h (was PT2H)");
    }

    @Test
    void quotasAreOffByDefaultAndReadPerRouteFromTheEnvironment() {
        assertThat(valid().build().quotaOf("users")).isEmpty();

        GatewayConfig config = valid().route("orders", "http://127.0.0.1:8082")
                .route("reports", "http://127.0.0.1:8083")
                .environment(Map.of(
                        "PLATFORM_GATEWAY_DEFAULT_QUOTA", "6000/1m",
                        "PLATFORM_GATEWAY_ROUTE_QUOTAS", "orders=100/1s, reports=off",
                        "PLATFORM_GATEWAY_QUOTA_KEY", "tenant+user",
                        "PLATFORM_GATEWAY_QUOTA_REDIS_URL", "redis://:hunter2-secret@redis:6379/0",
                        "PLATFORM_GATEWAY_QUOTA_FAIL_MODE", "closed"))
                .build();

        assertThat(config.quotaOf("users")).hasValue(new GatewayConfig.Quota(6000, Duration.ofMinutes(1)));
        assertThat(config.quotaOf("orders")).hasValue(new GatewayConfig.Quota(100, Duration.ofSeconds(1)));
        assertThat(config.quotaOf("reports")).isEmpty();
        assertThat(config.quotaKey()).isEqualTo(GatewayConfig.QuotaKey.TENANT_USER);
        assertThat(config.quotaFailMode()).isEqualTo(GatewayConfig.QuotaFailMode.CLOSED);
        assertThat(config.mutate().build().quotaOf("orders")).isEqualTo(config.quotaOf("orders"));
        assertThat(config.toString())
                .doesNotContain("hunter2-secret")
                .contains("redis://:****@redis:6379/0")
                .contains("orders=100/1s")
                .contains("reports=off");
    }

    @Test
    void malformedQuotaNamesTheVariableAndTheExpectedForm() {
        assertThatThrownBy(() -> valid().environment(Map.of("PLATFORM_GATEWAY_DEFAULT_QUOTA", "lots")))
                .hasMessage("PLATFORM_GATEWAY_DEFAULT_QUOTA must look like requests/window, such as 100/1s or 6000/1m,"
                        + " or be off (was 'lots')");
        assertThatThrownBy(() -> valid().environment(Map.of("PLATFORM_GATEWAY_DEFAULT_QUOTA", "0/1s")))
                .hasMessage("PLATFORM_GATEWAY_DEFAULT_QUOTA: quota limit must be between 1 and 1000000000 (was 0)");
    }

    @Test
    void quotaForAnUnknownRouteIsRejected() {
        assertThatThrownBy(() -> valid().routeQuota("nope", new GatewayConfig.Quota(5, Duration.ofSeconds(1)))
                        .build())
                .hasMessage("routeQuota names route 'nope', which is not configured; configured routes are [users]");
    }

    @Test
    void quotaRedisUrlMustBeARedisUrlAndItsPasswordIsMasked() {
        assertThatThrownBy(() -> valid().quotaRedisUrl(java.net.URI.create("http://:pw@redis:6379"))
                        .build())
                .hasMessage(
                        "quotaRedisUrl must be a redis:// or rediss:// URL with a host (was 'http://:****@redis:6379');"
                                + " for example redis://127.0.0.1:6379");
    }

    @Test
    void quotaRedisTimeoutIsBounded() {
        assertThatThrownBy(
                        () -> valid().quotaRedisTimeout(Duration.ofSeconds(30)).build())
                .hasMessage("quotaRedisTimeout must be at most 5s (was PT30S); every request waits at most this long"
                        + " for its quota check");
    }

    @Test
    void managementListenerIsOnLoopbackAndItsOwnPortByDefault() {
        GatewayConfig config = valid().port(8080).build();

        assertThat(config.managementBindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.managementPort()).isEqualTo(9080);
        assertThat(valid().port(0).build().managementPort()).isZero();
    }

    @Test
    void managementPortEqualToThePublicPortIsRejected() {
        assertThatThrownBy(() -> valid().port(8080).managementPort(8080).build())
                .hasMessage("managementPort must differ from port (both were 8080); metrics and health details must"
                        + " never be served on the public port");
    }

    @Test
    void circuitBreakerAndRetrySettingsAreValidated() {
        assertThatThrownBy(() -> valid().circuitBreakerFailureRate(0).build())
                .hasMessage("circuitBreakerFailureRate must be between 1 and 100 percent (was 0)");
        assertThatThrownBy(() ->
                        valid().circuitBreakerWindow(Duration.ofMillis(1500)).build())
                .hasMessage("circuitBreakerWindow must be whole seconds between 1s and 10m (was PT1.5S)");
        assertThatThrownBy(() -> valid().retries(9).build()).hasMessage("retries must be between 0 and 5 (was 9)");
        GatewayConfig config = valid().environment(Map.of(
                        "PLATFORM_GATEWAY_BREAKER_WINDOW",
                        "30s",
                        "PLATFORM_GATEWAY_BREAKER_MIN_CALLS",
                        "5",
                        "PLATFORM_GATEWAY_RETRIES",
                        "0"))
                .build();
        assertThat(config.circuitBreaker().window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.circuitBreaker().minimumCalls()).isEqualTo(5);
        assertThat(config.retries()).isZero();
    }
}
