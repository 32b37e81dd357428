package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayAuthTest extends GatewayTestSupport {

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("alice")
                .claim("tenant_id", "acme")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String hs256(JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static HttpResponse<String> callWith(String token) throws Exception {
        return send(request("/api/v1/users/1").header("Authorization", "Bearer " + token));
    }

    @Test
    void missingTokenIsUnauthorizedWithBearerChallenge() throws Exception {
        HttpResponse<String> response = send(request("/api/v1/users/1"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void garbageTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = callWith("not-a-jwt");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
    }

    @Test
    void expiredTokenIsUnauthorized() throws Exception {
        String token = DevTokens.mint(SECRET, ISSUER, AUDIENCE, "alice", "acme", List.of(), Duration.ofMinutes(-5));

        assertThat(callWith(token).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenExpiredWithinTheClockSkewIsAccepted() throws Exception {
        String token = DevTokens.mint(SECRET, ISSUER, AUDIENCE, "alice", "acme", List.of(), Duration.ofSeconds(-5));

        assertThat(callWith(token).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenFromAnotherIssuerIsUnauthorized() throws Exception {
        String token = DevTokens.mint(
                SECRET, "https://other.idp", AUDIENCE, "alice", "acme", List.of(), Duration.ofMinutes(5));

        assertThat(callWith(token).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenForAnotherAudienceIsUnauthorized() throws Exception {
        String token = DevTokens.mint(SECRET, ISSUER, "another-api", "alice", "acme", List.of(), Duration.ofMinutes(5));

        assertThat(callWith(token).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenSignedWithAnotherSecretIsUnauthorized() throws Exception {
        String token = hs256(claims().build(), "some-other-secret-that-is-long-enough-32");

        assertThat(callWith(token).statusCode()).isEqualTo(401);
    }

    @Test
    void unsignedAlgNoneTokenIsUnauthorized() throws Exception {
        String token = new PlainJWT(claims().build()).serialize();

        assertThat(callWith(token).statusCode()).isEqualTo(401);
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void tokenWithoutTenantIsUnauthorized() throws Exception {
        String token = hs256(claims().claim("tenant_id", null).build(), SECRET);

        assertThat(callWith(token).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenWhoseClaimsCarryLineBreaksIsUnauthorized() throws Exception {
        String token = hs256(claims().subject("alice\r\nX-Roles: admin").build(), SECRET);

        assertThat(callWith(token).statusCode()).isEqualTo(401);
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void verifiedIdentityIsSentUpstream() throws Exception {
        send(request("/api/v1/users/1")
                .header("Authorization", "Bearer " + token("bob", "tenant-9", List.of("a", "b"))));

        TestUpstream.Received received = upstream.take();
        assertThat(received.header("X-User-Id")).isEqualTo("bob");
        assertThat(received.header("X-Tenant-Id")).isEqualTo("tenant-9");
        assertThat(received.header("X-Roles")).isEqualTo("a,b");
    }

    @Test
    void forgedIdentityHeadersNeverReachTheUpstream() throws Exception {
        send(request("/api/v1/users/1")
                .header("Authorization", "Bearer " + token("bob", "tenant-9", List.of("reader")))
                .header("X-Tenant-Id", "victim-tenant")
                .header("x-user-id", "admin")
                .header("X-ROLES", "superuser")
                .header("X-Internal-Debug", "true"));

        TestUpstream.Received received = upstream.take();
        assertThat(received.headers().get("x-tenant-id")).containsExactly("tenant-9");
        assertThat(received.headers().get("x-user-id")).containsExactly("bob");
        assertThat(received.headers().get("x-roles")).containsExactly("reader");
        assertThat(received.header("X-Internal-Debug")).isNull();
    }

    @Test
    void authorizationHeaderIsNotForwardedByDefault() throws Exception {
        get("/api/v1/users/1");

        assertThat(upstream.take().header("Authorization")).isNull();
    }

    @Test
    void livenessAndReadinessProbesAreOpenWithoutAToken() throws Exception {
        assertThat(send(request("/health/live")).statusCode()).isEqualTo(200);
        assertThat(send(request("/health/ready")).statusCode()).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheOpenEndpointsNeedAToken() throws Exception {
        assertThat(send(request("/admin")).statusCode()).isEqualTo(401);
        assertThat(send(request("/healthz")).statusCode()).isEqualTo(401);
        assertThat(send(request("/metrics/extra")).statusCode()).isEqualTo(401);
    }
}
