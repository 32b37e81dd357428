package dev.adxcore.platform.examples.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints HS256 tokens for local development and tests, signed with a shared secret: the
 * {@link #DEV_SECRET public development secret} by default. Never use the development secret outside
 * your machine: anyone can mint tokens with it. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class DevTokens {

    /** The development secret, published in the README on purpose. Local use only. */
    public static final String DEV_SECRET = "adx-gateway-dev-secret-do-not-use-in-production";
    /** The issuer used in development mode. */
    public static final String DEV_ISSUER = "adx-dev";
    /** The audience used in development mode. */
    public static final String DEV_AUDIENCE = "adx-gateway";

    private DevTokens() {}

    /**
     * Mints a signed token.
     *
     * @param secret the HS256 secret (at least 32 bytes)
     * @param issuer the {@code iss} claim
     * @param audience the {@code aud} claim
     * @param userId the {@code sub} claim
     * @param tenantId the {@code tenant_id} claim
     * @param roles the {@code roles} claim
     * @param ttl the lifetime; {@code exp} is now plus ttl
     * @return the compact JWS
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public static String mint(
            String secret,
            String issuer,
            String audience,
            String userId,
            String tenantId,
            List<String> roles,
            Duration ttl) {
        Objects.requireNonNull(secret, "secret");
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(userId)
                .claim("tenant_id", tenantId)
                .claim("roles", List.copyOf(roles))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(
                    "secret must be at least 32 bytes for HS256 (was " + secret.getBytes(StandardCharsets.UTF_8).length
                            + " bytes)",
                    e);
        }
        return jwt.serialize();
    }

    /**
     * Mints a development token (development secret, issuer and audience).
     *
     * @param userId the {@code sub} claim
     * @param tenantId the {@code tenant_id} claim
     * @param roles the {@code roles} claim
     * @param ttl the lifetime
     * @return the compact JWS
     */
    public static String mintDev(String userId, String tenantId, List<String> roles, Duration ttl) {
        return mint(DEV_SECRET, DEV_ISSUER, DEV_AUDIENCE, userId, tenantId, roles, ttl);
    }
}
