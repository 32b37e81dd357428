package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A gateway verifying RS256 tokens from a JWKS URL, and trusting 127.0.0.1 as a proxy. */
class GatewayJwksAndProxyTrustTest {

    private static TestUpstream upstream;
    private static ApiGateway gateway;
    private static RSAKey key;
    private static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        upstream.jwks(new JWKSet(key.toPublicJWK()).toString());
        gateway = ApiGateway.start(GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", upstream.baseUrl())
                .jwksUrl(URI.create(upstream.baseUrl() + "/jwks.json"))
                .jwtIssuer("https://idp.test")
                .jwtAudience("gateway-test")
                .trustedProxies(List.of("127.0.0.0/8"))
                .build());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder()
                .issuer("https://idp.test")
                .audience("gateway-test")
                .subject("carol")
                .claim("tenant_id", "t-1")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
    }

    private static String rs256() throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> call(String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.uri() + "/api/v1/users/1"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tokenSignedByAKeyFromTheJwksIsAccepted() throws Exception {
        assertThat(call(rs256()).statusCode()).isEqualTo(200);
        assertThat(upstream.take().header("X-User-Id")).isEqualTo("carol");
    }

    @Test
    void jwksIsFetchedOnceAndCached() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(call(rs256()).statusCode()).isEqualTo(200);
        }

        assertThat(upstream.jwksFetches()).isEqualTo(1);
    }

    @Test
    void hmacTokenSignedWithThePublicKeyIsUnauthorized() throws Exception {
        byte[] publicKeyBytes = key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims());
        forged.sign(new MACSigner(publicKeyBytes));
        SignedJWT forgedDer = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims());
        forgedDer.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));

        assertThat(call(forged.serialize()).statusCode()).isEqualTo(401);
        assertThat(call(forgedDer.serialize()).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenSignedByAnUnknownKeyIsUnauthorized() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims());
        jwt.sign(new RSASSASigner(other));

        assertThat(call(jwt.serialize()).statusCode()).isEqualTo(401);
    }

    @Test
    void forwardedHeadersFromATrustedProxyAreExtended() throws Exception {
        call(
                rs256(),
                "X-Forwarded-For",
                "203.0.113.7",
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "api.example.com");

        TestUpstream.Received received = upstream.take();
        assertThat(received.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("api.example.com");
    }
}
