package dev.adxcore.platform.examples.gateway.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Verifies bearer tokens locally with Nimbus JOSE+JWT: signature with an algorithm from the configured
 * allow-list only (so {@code alg: none} and HMAC/RSA confusion are impossible), {@code iss}, {@code aud},
 * {@code exp}/{@code nbf} with the configured clock skew, and the identity claims.
 *
 * <p>Thread-safe; build one per gateway. With a JWKS URL, keys are fetched lazily and cached for the
 * configured time-to-live; an unknown key id triggers one (rate-limited) refresh.
 *
 * <p>Successful verifications are cached (see {@link VerifiedTokenCache}) when
 * {@link GatewayConfig#tokenCacheSize()} is above 0: the same exact token is then accepted without
 * being verified again until {@code min(exp, first verification + tokenCacheTtl)}.
 */
public final class TokenVerifier {

    /** Tokens longer than this are rejected before parsing. */
    static final int MAX_TOKEN_LENGTH = 8192;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@|+=-]{1,256}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final String tenantClaim;
    private final String rolesClaim;
    private final @Nullable VerifiedTokenCache cache;

    /** Thrown for any token that is not accepted; the message is for logs, never for the client. */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String message, Throwable cause) {
            super(message, cause, false, false);
        }

        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param config the gateway configuration (key source, issuer, audience, algorithms, skew, claims)
     */
    public TokenVerifier(GatewayConfig config) {
        JWKSource<SecurityContext> keys;
        if (config.jwtSecret().isPresent()) {
            keys = new ImmutableSecret<>(config.jwtSecret().get());
        } else {
            try {
                keys = JWKSourceBuilder.<SecurityContext>create(
                                config.jwksUrl().orElseThrow().toURL())
                        .cache(config.jwksCacheTtl().toMillis(), 15_000)
                        .rateLimited(30_000)
                        .build();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(
                        "jwksUrl is not a URL (was " + config.jwksUrl().orElseThrow() + ")", e);
            }
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        config.jwtAlgorithms().forEach(a -> algorithms.add(JWSAlgorithm.parse(a)));
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.jwtAudience(),
                new JWTClaimsSet.Builder().issuer(config.jwtIssuer()).build(),
                Set.of("sub", "exp", config.tenantClaim()));
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
        this.tenantClaim = config.tenantClaim();
        this.rolesClaim = config.rolesClaim();
        this.cache = config.tokenCacheSize() > 0
                ? new VerifiedTokenCache(
                        config.tokenCacheSize(), config.tokenCacheTtl().toMillis(), System::currentTimeMillis)
                : null;
    }

    /**
     * Verifies a compact JWS and extracts the identity.
     *
     * @param token the token text after {@code Bearer }
     * @return the caller's identity
     * @throws InvalidTokenException for any token that is malformed, unsigned, signed with a
     *     non-allowed algorithm or key, expired, not yet valid, for another issuer or audience, or whose
     *     identity claims are missing or not header-safe
     */
    public Identity verify(String token) throws InvalidTokenException {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("token empty or longer than " + MAX_TOKEN_LENGTH);
        }
        VerifiedTokenCache verified = cache;
        if (verified == null) {
            return verifyFully(token);
        }
        Identity known = verified.get(token);
        if (known != null) {
            return known;
        }
        Identity identity = verifyFully(token);
        verified.put(token, identity, identity.expiresAtMillis());
        return identity;
    }

    /** @return how many verified tokens are cached now (0 when the cache is off) */
    int cachedTokens() {
        VerifiedTokenCache verified = cache;
        return verified == null ? 0 : verified.size();
    }

    private Identity verifyFully(String token) throws InvalidTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(String.valueOf(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new InvalidTokenException("token could not be processed: " + e, e);
        }
        String user = claims.getSubject();
        Object tenantValue = claims.getClaim(tenantClaim);
        String tenant = tenantValue instanceof String || tenantValue instanceof Number ? tenantValue.toString() : null;
        if (user == null || !ID.matcher(user).matches()) {
            throw new InvalidTokenException("sub missing or not a safe identifier");
        }
        if (tenant == null || !ID.matcher(tenant).matches()) {
            throw new InvalidTokenException(tenantClaim + " missing or not a safe identifier");
        }
        List<String> roles = new ArrayList<>();
        Object rolesValue = claims.getClaim(rolesClaim);
        if (rolesValue instanceof List<?> list) {
            for (Object role : list) {
                roles.add(String.valueOf(role));
            }
        } else if (rolesValue instanceof String text) {
            for (String role : text.trim().split("\\s+")) {
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            }
        } else if (rolesValue != null) {
            throw new InvalidTokenException(rolesClaim + " must be a list of strings or a space-separated string");
        }
        for (String role : roles) {
            if (!ROLE.matcher(role).matches()) {
                throw new InvalidTokenException(rolesClaim + " contains a role that is not a safe identifier");
            }
        }
        // exp is a required claim (checked by the claims verifier above).
        return new Identity(
                user, tenant, List.copyOf(roles), claims.getExpirationTime().getTime());
    }
}
