package dev.adxcore.platform.examples.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.examples.gateway.DevTokens;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verified-token cache as seen through {@link TokenVerifier}: no verification rule is weakened. */
class TokenVerifierCacheTest {

    private static final String SECRET = "test-secret-of-at-least-thirty-two-bytes!!";
    private static final String ISSUER = "https://idp.test";
    private static final String AUDIENCE = "gateway-test";

    private static GatewayConfig.Builder config() {
        return GatewayConfig.builder()
                .route("users", "http://127.0.0.1:1")
                .jwtSecret(SECRET)
                .jwtIssuer(ISSUER)
                .jwtAudience(AUDIENCE);
    }

    private static String token(String tenant, Duration ttl) {
        return DevTokens.mint(SECRET, ISSUER, AUDIENCE, "alice", tenant, List.of("reader"), ttl);
    }

    @Test
    void aCachedTokenIsRejectedOnceItExpires() throws Exception {
        TokenVerifier verifier =
                new TokenVerifier(config().clockSkew(Duration.ZERO).build());
        String token = token("acme", Duration.ofSeconds(2));

        assertThat(verifier.verify(token).tenantId()).isEqualTo("acme");
        assertThat(verifier.verify(token).tenantId()).isEqualTo("acme");
        assertThat(verifier.cachedTokens()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThatThrownBy(() -> verifier.verify(token))
                        .isInstanceOf(TokenVerifier.InvalidTokenException.class));
    }

    @Test
    void eachTokenGetsItsOwnIdentityAndASplicedTokenIsRejected() throws Exception {
        TokenVerifier verifier = new TokenVerifier(config().build());
        String acme = token("acme", Duration.ofMinutes(5));
        String umbrella = token("umbrella", Duration.ofMinutes(5));

        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verify(acme).tenantId()).isEqualTo("acme");
            assertThat(verifier.verify(umbrella).tenantId()).isEqualTo("umbrella");
        }
        // umbrella's header and payload with acme's (cached, valid) signature: must be verified and fail.
        String[] a = acme.split("\\.");
        String[] u = umbrella.split("\\.");
        assertThatThrownBy(() -> verifier.verify(u[0] + "." + u[1] + "." + a[2]))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(a[0] + "." + u[1] + "." + a[2]))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
        assertThat(verifier.cachedTokens()).isEqualTo(2);
    }

    @Test
    void failedVerificationsAreNotCached() {
        TokenVerifier verifier = new TokenVerifier(config().build());
        String other = DevTokens.mint(
                "some-other-secret-that-is-long-enough-32",
                ISSUER,
                AUDIENCE,
                "alice",
                "acme",
                List.of(),
                Duration.ofMinutes(5));
        String expired = token("acme", Duration.ofMinutes(-5));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> verifier.verify(other)).isInstanceOf(TokenVerifier.InvalidTokenException.class);
            assertThatThrownBy(() -> verifier.verify(expired)).isInstanceOf(TokenVerifier.InvalidTokenException.class);
        }
        assertThat(verifier.cachedTokens()).isZero();
    }

    @Test
    void aTokenAcceptedOnlyThroughTheClockSkewIsNotCached() throws Exception {
        TokenVerifier verifier = new TokenVerifier(config().build());
        String token = token("acme", Duration.ofSeconds(-5));

        assertThat(verifier.verify(token).tenantId()).isEqualTo("acme");
        assertThat(verifier.cachedTokens()).isZero();
    }

    @Test
    void theCacheIsBoundedByTheConfiguredSize() throws Exception {
        TokenVerifier verifier = new TokenVerifier(config().tokenCacheSize(20).build());

        for (int i = 0; i < 100; i++) {
            verifier.verify(token("t" + i, Duration.ofMinutes(5)));
        }
        assertThat(verifier.cachedTokens()).isLessThanOrEqualTo(20);
    }

    @Test
    void sizeZeroTurnsTheCacheOff() throws Exception {
        TokenVerifier verifier = new TokenVerifier(config().tokenCacheSize(0).build());
        String token = token("acme", Duration.ofMinutes(5));

        assertThat(verifier.verify(token).tenantId()).isEqualTo("acme");
        assertThat(verifier.verify(token).tenantId()).isEqualTo("acme");
        assertThat(verifier.cachedTokens()).isZero();
    }
}
