package dev.adxcore.platform.examples.gateway;

import dev.adxcore.platform.core.Secrets;
import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.examples.gateway.internal.IpLiterals;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's immutable configuration: the service registry (routes), token verification, header
 * trust, CORS, limits and timeouts.
 *
 * <p>Built with {@link #builder()} (optionally seeded from {@code PLATFORM_GATEWAY_*} variables with
 * {@link Builder#environment(Map)}) and validated once in {@link Builder#build()}, whose messages name
 * the setting, the bad value and the fix. {@link #toString()} never shows the JWT secret.
 *
 * <p>Environment variables (all optional except routes, issuer, audience and one key source):
 * <pre>
 * PLATFORM_GATEWAY_BIND_ADDRESS       0.0.0.0
 * PLATFORM_GATEWAY_PORT               8080
 * PLATFORM_GATEWAY_ROUTES             users=http://127.0.0.1:8081,orders=http://127.0.0.1:8082
 * PLATFORM_GATEWAY_ROUTE_TIMEOUTS     orders=30s,users=2s   (per route; others use the default)
 * PLATFORM_GATEWAY_DEFAULT_TIMEOUT    10s
 * PLATFORM_GATEWAY_JWT_SECRET         shared HS secret, at least 32 bytes (or use JWKS_URL)
 * PLATFORM_GATEWAY_JWKS_URL           https://idp.example.com/.well-known/jwks.json
 * PLATFORM_GATEWAY_JWKS_CACHE_TTL     5m
 * PLATFORM_GATEWAY_JWT_ISSUER         expected iss
 * PLATFORM_GATEWAY_JWT_AUDIENCE       expected aud
 * PLATFORM_GATEWAY_JWT_ALGORITHMS     HS256 (secret) or RS256 (JWKS) by default
 * PLATFORM_GATEWAY_JWT_CLOCK_SKEW     30s
 * PLATFORM_GATEWAY_TOKEN_CACHE_SIZE   10000   (verified tokens remembered; 0 verifies every request)
 * PLATFORM_GATEWAY_TOKEN_CACHE_TTL    60s     (a cached verification is reused until min(exp, this))
 * PLATFORM_GATEWAY_TENANT_CLAIM       tenant_id
 * PLATFORM_GATEWAY_ROLES_CLAIM        roles
 * PLATFORM_GATEWAY_TRUSTED_PROXIES    10.0.0.0/8,127.0.0.1   (IP literals or CIDR)
 * PLATFORM_GATEWAY_CORS_ORIGINS       https://app.example.com,http://localhost:3000
 * PLATFORM_GATEWAY_MAX_REQUEST_BYTES  10485760
 * PLATFORM_GATEWAY_STRIP_HEADERS      X-Internal-Debug,X-Admin   (stripped in addition to the identity headers)
 * PLATFORM_GATEWAY_FORWARD_AUTHORIZATION  false
 * PLATFORM_GATEWAY_MANAGEMENT_BIND_ADDRESS 127.0.0.1   (/metrics and detailed /health; never the public port)
 * PLATFORM_GATEWAY_MANAGEMENT_PORT    9080    (0 = any free port; 0 by default when PLATFORM_GATEWAY_PORT is 0)
 * PLATFORM_GATEWAY_DEFAULT_QUOTA      off     (or requests/window, such as 6000/1m; routes without their own)
 * PLATFORM_GATEWAY_ROUTE_QUOTAS       orders=100/1s,reports=off
 * PLATFORM_GATEWAY_QUOTA_KEY          tenant  (tenant, tenant+user, tenant+route or tenant+user+route)
 * PLATFORM_GATEWAY_QUOTA_REDIS_URL    redis://redis:6379   (unset: buckets in this process's memory)
 * PLATFORM_GATEWAY_QUOTA_REDIS_TIMEOUT 100ms  (bound of every Redis call of the quota check)
 * PLATFORM_GATEWAY_QUOTA_FAIL_MODE    open    (open: admit when Redis is unavailable; closed: 503)
 * PLATFORM_GATEWAY_QUOTA_KEY_PREFIX   adx:gateway:quota:
 * PLATFORM_GATEWAY_BREAKER_ENABLED    true
 * PLATFORM_GATEWAY_BREAKER_FAILURE_RATE 50  (percent of failed calls in the window that opens the breaker)
 * PLATFORM_GATEWAY_BREAKER_WINDOW     10s     (sliding window, whole seconds)
 * PLATFORM_GATEWAY_BREAKER_MIN_CALLS  20      (calls in the window before the rate is judged)
 * PLATFORM_GATEWAY_BREAKER_OPEN_DURATION 10s  (short-circuit time before a half-open probe)
 * PLATFORM_GATEWAY_BREAKER_HALF_OPEN_CALLS 3  (probe calls that decide between closing and re-opening)
 * PLATFORM_GATEWAY_RETRIES            1       (extra attempts for idempotent requests without a body)
 * PLATFORM_GATEWAY_RETRY_BACKOFF      50ms    (first backoff, doubled per attempt, with jitter)
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class GatewayConfig {

    /** Algorithms accepted with a shared secret. */
    private static final Set<String> HMAC_ALGORITHMS = Set.of("HS256", "HS384", "HS512");
    /** Algorithms accepted with a JWKS (public keys). */
    private static final Set<String> PUBLIC_KEY_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    private static final Pattern ROUTE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    /**
     * The identity headers always stripped from client requests and set from the token: the platform's
     * one definition, {@link dev.adxcore.platform.core.PlatformHeaders#IDENTITY}.
     */
    public static final List<String> IDENTITY_HEADERS = dev.adxcore.platform.core.PlatformHeaders.IDENTITY;

    private final String bindAddress;
    private final int port;
    private final Map<String, Route> routes;
    private final Duration defaultTimeout;
    private final byte @Nullable [] jwtSecret;
    private final @Nullable URI jwksUrl;
    private final Duration jwksCacheTtl;
    private final String jwtIssuer;
    private final String jwtAudience;
    private final Set<String> jwtAlgorithms;
    private final Duration clockSkew;
    private final String tenantClaim;
    private final String rolesClaim;
    private final List<String> trustedProxies;
    private final List<String> corsAllowedOrigins;
    private final Duration corsMaxAge;
    private final long maxRequestBodyBytes;
    private final Set<String> strippedHeaders;
    private final boolean forwardAuthorization;
    private final Duration upstreamHealthTimeout;
    private final int tokenCacheSize;
    private final Duration tokenCacheTtl;
    private final String managementBindAddress;
    private final int managementPort;
    private final @Nullable Quota defaultQuota;
    private final Map<String, Optional<Quota>> routeQuotas;
    private final QuotaKey quotaKey;
    private final @Nullable URI quotaRedisUrl;
    private final Duration quotaRedisTimeout;
    private final QuotaFailMode quotaFailMode;
    private final String quotaKeyPrefix;
    private final CircuitBreakerSettings circuitBreaker;
    private final int retries;
    private final Duration retryBackoff;

    private GatewayConfig(
            Builder b,
            Map<String, Route> routes,
            Set<String> algorithms,
            Set<String> stripped,
            int managementPort,
            Map<String, Optional<Quota>> routeQuotas) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.routes = Collections.unmodifiableMap(routes);
        this.defaultTimeout = b.defaultTimeout;
        this.jwtSecret = b.jwtSecret == null ? null : b.jwtSecret.clone();
        this.jwksUrl = b.jwksUrl;
        this.jwksCacheTtl = b.jwksCacheTtl;
        this.jwtIssuer = Objects.requireNonNull(b.jwtIssuer);
        this.jwtAudience = Objects.requireNonNull(b.jwtAudience);
        this.jwtAlgorithms = Collections.unmodifiableSet(algorithms);
        this.clockSkew = b.clockSkew;
        this.tenantClaim = b.tenantClaim;
        this.rolesClaim = b.rolesClaim;
        this.trustedProxies = List.copyOf(b.trustedProxies);
        this.corsAllowedOrigins = List.copyOf(b.corsAllowedOrigins);
        this.corsMaxAge = b.corsMaxAge;
        this.maxRequestBodyBytes = b.maxRequestBodyBytes;
        this.strippedHeaders = Collections.unmodifiableSet(stripped);
        this.forwardAuthorization = b.forwardAuthorization;
        this.upstreamHealthTimeout = b.upstreamHealthTimeout;
        this.tokenCacheSize = b.tokenCacheSize;
        this.tokenCacheTtl = b.tokenCacheTtl;
        this.managementBindAddress = b.managementBindAddress;
        this.managementPort = managementPort;
        this.defaultQuota = b.defaultQuota;
        this.routeQuotas = Collections.unmodifiableMap(routeQuotas);
        this.quotaKey = b.quotaKey;
        this.quotaRedisUrl = b.quotaRedisUrl;
        this.quotaRedisTimeout = b.quotaRedisTimeout;
        this.quotaFailMode = b.quotaFailMode;
        this.quotaKeyPrefix = b.quotaKeyPrefix;
        this.circuitBreaker = new CircuitBreakerSettings(
                b.breakerEnabled,
                b.breakerFailureRate,
                b.breakerWindow,
                b.breakerMinCalls,
                b.breakerOpenDuration,
                b.breakerHalfOpenCalls);
        this.retries = b.retries;
        this.retryBackoff = b.retryBackoff;
    }

    /**
     * Starts a configuration with defaults and no routes.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the configuration from {@code PLATFORM_GATEWAY_*} environment variables.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException when a variable is malformed or a required one is missing
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(Settings.fromEnvironment());
    }

    /**
     * A builder filled from the given settings (the SDK's rule for every {@code fromEnvironment}: it returns the
     * builder; {@code build()} validates).
     *
     * @param settings where the {@code PLATFORM_GATEWAY_*} values come from
     * @return the filled builder
     * @throws IllegalArgumentException when a value is malformed, naming the setting
     */
    public static Builder fromEnvironment(Settings settings) {
        return builder().environment(settings);
    }

    /**
     * A builder holding this configuration's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder mutate() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.port = port;
        routes.values().forEach(r -> {
            b.routes.put(r.name(), r.baseUri().toString());
            if (!r.timeout().equals(defaultTimeout)) {
                b.routeTimeouts.put(r.name(), r.timeout());
            }
        });
        b.defaultTimeout = defaultTimeout;
        b.jwtSecret = jwtSecret == null ? null : jwtSecret.clone();
        b.jwksUrl = jwksUrl;
        b.jwksCacheTtl = jwksCacheTtl;
        b.jwtIssuer = jwtIssuer;
        b.jwtAudience = jwtAudience;
        b.jwtAlgorithms.addAll(jwtAlgorithms);
        b.clockSkew = clockSkew;
        b.tenantClaim = tenantClaim;
        b.rolesClaim = rolesClaim;
        b.trustedProxies.addAll(trustedProxies);
        b.corsAllowedOrigins.addAll(corsAllowedOrigins);
        b.corsMaxAge = corsMaxAge;
        b.maxRequestBodyBytes = maxRequestBodyBytes;
        b.strippedHeaders.addAll(strippedHeaders);
        b.strippedHeaders.removeIf(h -> IDENTITY_HEADERS.stream().anyMatch(h::equalsIgnoreCase));
        b.forwardAuthorization = forwardAuthorization;
        b.upstreamHealthTimeout = upstreamHealthTimeout;
        b.tokenCacheSize = tokenCacheSize;
        b.tokenCacheTtl = tokenCacheTtl;
        b.managementBindAddress = managementBindAddress;
        b.managementPort = managementPort;
        b.defaultQuota = defaultQuota;
        b.routeQuotas.putAll(routeQuotas);
        b.quotaKey = quotaKey;
        b.quotaRedisUrl = quotaRedisUrl;
        b.quotaRedisTimeout = quotaRedisTimeout;
        b.quotaFailMode = quotaFailMode;
        b.quotaKeyPrefix = quotaKeyPrefix;
        b.breakerEnabled = circuitBreaker.enabled();
        b.breakerFailureRate = circuitBreaker.failureRatePercent();
        b.breakerWindow = circuitBreaker.window();
        b.breakerMinCalls = circuitBreaker.minimumCalls();
        b.breakerOpenDuration = circuitBreaker.openDuration();
        b.breakerHalfOpenCalls = circuitBreaker.halfOpenCalls();
        b.retries = retries;
        b.retryBackoff = retryBackoff;
        return b;
    }

    /** @return the address the gateway binds to */
    public String bindAddress() {
        return bindAddress;
    }

    /** @return the port to listen on; 0 picks a free port */
    public int port() {
        return port;
    }

    /** @return the service registry: route name ({@code {service}}) to route, in configuration order */
    public Map<String, Route> routes() {
        return routes;
    }

    /** @return the timeout of routes that do not set their own */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** @return the shared HMAC secret (a copy), or empty when keys come from a JWKS URL */
    public Optional<byte[]> jwtSecret() {
        return Optional.ofNullable(jwtSecret).map(byte[]::clone);
    }

    /** @return the JWKS URL, or empty when a shared secret is used */
    public Optional<URI> jwksUrl() {
        return Optional.ofNullable(jwksUrl);
    }

    /** @return how long fetched JWKS keys are cached */
    public Duration jwksCacheTtl() {
        return jwksCacheTtl;
    }

    /** @return the required {@code iss} claim */
    public String jwtIssuer() {
        return jwtIssuer;
    }

    /** @return the audience that the {@code aud} claim must contain */
    public String jwtAudience() {
        return jwtAudience;
    }

    /** @return the accepted JWS algorithms (never {@code none}; only HMAC with a secret, only public-key with JWKS) */
    public Set<String> jwtAlgorithms() {
        return jwtAlgorithms;
    }

    /** @return the clock skew tolerated on {@code exp} and {@code nbf} */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** @return the claim holding the tenant id */
    public String tenantClaim() {
        return tenantClaim;
    }

    /** @return the claim holding the roles (a list of strings or a space-separated string) */
    public String rolesClaim() {
        return rolesClaim;
    }

    /** @return peers (IP literals or CIDR ranges) whose {@code X-Forwarded-*} headers are believed */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** @return the exact origins allowed by CORS; empty disables CORS */
    public List<String> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /** @return how long browsers may cache a preflight answer */
    public Duration corsMaxAge() {
        return corsMaxAge;
    }

    /** @return the largest request body accepted; larger ones get 413 */
    public long maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    /**
     * The request headers removed from every client request (lower case): the identity headers plus the
     * configured extra ones.
     *
     * @return the header names, lower case
     */
    public Set<String> strippedHeaders() {
        return strippedHeaders;
    }

    /** @return whether the client's {@code Authorization} header is passed to upstreams */
    public boolean isForwardAuthorization() {
        return forwardAuthorization;
    }

    /** @return the timeout of each upstream health probe */
    public Duration upstreamHealthTimeout() {
        return upstreamHealthTimeout;
    }

    /**
     * @return how many successfully verified tokens are remembered (by SHA-256 of the exact token) so
     *     their next requests skip verification; 0 when every request is verified
     */
    public int tokenCacheSize() {
        return tokenCacheSize;
    }

    /** @return the longest time a cached verification is reused; never past the token's {@code exp} */
    public Duration tokenCacheTtl() {
        return tokenCacheTtl;
    }

    /** @return the address of the management listener ({@code /metrics}, detailed {@code /health}) */
    public String managementBindAddress() {
        return managementBindAddress;
    }

    /** @return the port of the management listener; 0 picks a free port */
    public int managementPort() {
        return managementPort;
    }

    /**
     * The quota of a route: its own, else the default.
     *
     * @param routeName a configured route's name
     * @return the quota, or empty when the route is not limited
     */
    public Optional<Quota> quotaOf(String routeName) {
        Optional<Quota> own = routeQuotas.get(routeName);
        return own != null ? own : Optional.ofNullable(defaultQuota);
    }

    /**
     * @param routeName a configured route's name
     * @return whether the route has a quota of its own (including an explicit {@code off}) rather than the
     *     default; routes with their own quota have buckets of their own
     */
    public boolean hasOwnQuota(String routeName) {
        return routeQuotas.containsKey(routeName);
    }

    /** @return the quota of routes without their own, or empty when those are not limited */
    public Optional<Quota> defaultQuota() {
        return Optional.ofNullable(defaultQuota);
    }

    /** @return what a quota bucket is keyed by, besides its policy */
    public QuotaKey quotaKey() {
        return quotaKey;
    }

    /** @return the Redis server that holds the buckets shared by all gateway instances, or empty for in-memory */
    public Optional<URI> quotaRedisUrl() {
        return Optional.ofNullable(quotaRedisUrl);
    }

    /** @return the bound of every Redis call of a quota check; past it the fail mode applies */
    public Duration quotaRedisTimeout() {
        return quotaRedisTimeout;
    }

    /** @return what a quota check does when Redis is unavailable */
    public QuotaFailMode quotaFailMode() {
        return quotaFailMode;
    }

    /** @return the prefix of every Redis key of the quota buckets */
    public String quotaKeyPrefix() {
        return quotaKeyPrefix;
    }

    /** @return the per-route circuit breaker's settings */
    public CircuitBreakerSettings circuitBreaker() {
        return circuitBreaker;
    }

    /**
     * @return how many times an idempotent request without a body is tried again after its connection to
     *     the upstream failed before any response (0 turns retries off)
     */
    public int retries() {
        return retries;
    }

    /** @return the first retry's backoff; each further one doubles it, with ±50 % jitter */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    @Override
    public String toString() {
        return "GatewayConfig{bindAddress=" + bindAddress + ", port=" + port + ", routes=" + routes.values()
                + ", defaultTimeout=" + defaultTimeout
                + ", keys=" + (jwtSecret != null ? "jwtSecret=****" : "jwksUrl=" + jwksUrl)
                + ", jwtIssuer=" + jwtIssuer + ", jwtAudience=" + jwtAudience + ", jwtAlgorithms=" + jwtAlgorithms
                + ", clockSkew=" + clockSkew + ", tokenCacheSize=" + tokenCacheSize + ", tokenCacheTtl=" + tokenCacheTtl
                + ", trustedProxies=" + trustedProxies
                + ", corsAllowedOrigins=" + corsAllowedOrigins + ", maxRequestBodyBytes=" + maxRequestBodyBytes
                + ", strippedHeaders=" + strippedHeaders + ", forwardAuthorization=" + forwardAuthorization
                + ", management=" + managementBindAddress + ":" + managementPort
                + ", defaultQuota=" + (defaultQuota == null ? "off" : defaultQuota)
                + ", routeQuotas=" + routeQuotaText(routeQuotas) + ", quotaKey=" + quotaKey.spec()
                + ", quotaStore=" + (quotaRedisUrl == null ? "memory" : Secrets.maskUri(quotaRedisUrl))
                + ", quotaRedisTimeout=" + quotaRedisTimeout + ", quotaFailMode=" + quotaFailMode.spec()
                + ", circuitBreaker=" + circuitBreaker + ", retries=" + retries + ", retryBackoff=" + retryBackoff
                + '}';
    }

    private static String routeQuotaText(Map<String, Optional<Quota>> quotas) {
        StringBuilder out = new StringBuilder("{");
        quotas.forEach((name, quota) -> out.append(out.length() > 1 ? ", " : "")
                .append(name)
                .append('=')
                .append(quota.map(Quota::toString).orElse("off")));
        return out.append('}').toString();
    }

    /**
     * One entry of the service registry: requests to {@code /api/v1/{name}/**} go to {@code baseUri}
     * (its path, if any, is prefixed to the forwarded path) and fail with 504 after {@code timeout}.
     *
     * @param name the {@code {service}} path segment
     * @param baseUri the upstream base URL
     * @param timeout the whole-exchange timeout towards the upstream
     */
    public record Route(String name, URI baseUri, Duration timeout) {

        /** @return the metric tag and log name of this route, such as {@code /api/v1/users/**} */
        public String template() {
            return "/api/v1/" + name + "/**";
        }

        @Override
        public String toString() {
            return name + "=" + baseUri + " (timeout " + timeout + ")";
        }
    }

    /**
     * A token-bucket quota: at most {@code limit} requests per {@code window}, refilled continuously
     * ({@code limit / window}), so a client that waited a whole window may burst {@code limit} requests.
     * Written {@code limit/window}, such as {@code 100/1s} or {@code 6000/1m}.
     *
     * @param limit the bucket's capacity, 1 to 1,000,000,000
     * @param window the time in which a full bucket refills, 1 s to 1 day
     */
    public record Quota(long limit, Duration window) {

        /**
         * @throws IllegalArgumentException when the limit or window is out of range
         */
        public Quota {
            Objects.requireNonNull(window, "window");
            if (limit < 1 || limit > 1_000_000_000L) {
                throw new IllegalArgumentException("quota limit must be between 1 and 1000000000 (was " + limit + ")");
            }
            if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("quota window must be between 1s and 1d (was " + window + ")");
            }
        }

        /**
         * Parses {@code limit/window} ({@code 100/1s}, {@code 6000/1m}, {@code 100000/1h}).
         *
         * @param setting the setting's name, for the error message
         * @param text the text
         * @return the quota
         * @throws IllegalArgumentException naming the setting and the value when the text is not a quota
         */
        public static Quota parse(String setting, String text) {
            String v = text.trim();
            int slash = v.indexOf('/');
            if (slash <= 0 || slash == v.length() - 1) {
                throw new IllegalArgumentException(setting + " must look like requests/window, such as 100/1s or"
                        + " 6000/1m, or be off (was '" + text + "')");
            }
            long limit = Settings.parseLong(setting, v.substring(0, slash));
            Duration window = Settings.parseDuration(setting, v.substring(slash + 1));
            try {
                return new Quota(limit, window);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
            }
        }

        /** @return whole seconds of the window, as sent in {@code RateLimit-Policy} ({@code w}) */
        public long windowSeconds() {
            return Math.max(1, (window.toMillis() + 999) / 1000);
        }

        @Override
        public String toString() {
            return limit + "/" + Settings.formatDuration(window);
        }
    }

    /** What a quota bucket is keyed by. The tenant always comes from the verified token. */
    public enum QuotaKey {
        /** One bucket per tenant (per policy): all users of a tenant share it. */
        TENANT("tenant", false, false),
        /** One bucket per user of each tenant. */
        TENANT_USER("tenant+user", true, false),
        /** One bucket per tenant and route, also for the routes that share the default quota. */
        TENANT_ROUTE("tenant+route", false, true),
        /** One bucket per user of each tenant and route. */
        TENANT_USER_ROUTE("tenant+user+route", true, true);

        private final String spec;
        private final boolean byUser;
        private final boolean byRoute;

        QuotaKey(String spec, boolean byUser, boolean byRoute) {
            this.spec = spec;
            this.byUser = byUser;
            this.byRoute = byRoute;
        }

        /** @return the setting's text, such as {@code tenant+user} */
        public String spec() {
            return spec;
        }

        /** @return whether each user has a bucket of their own */
        public boolean isByUser() {
            return byUser;
        }

        /** @return whether routes sharing the default quota still get separate buckets */
        public boolean isByRoute() {
            return byRoute;
        }

        /**
         * @param text {@code tenant}, {@code tenant+user}, {@code tenant+route} or {@code tenant+user+route}
         * @return the key
         * @throws IllegalArgumentException for any other text
         */
        public static QuotaKey parse(String text) {
            for (QuotaKey key : values()) {
                if (key.spec.equalsIgnoreCase(text.trim())) {
                    return key;
                }
            }
            throw new IllegalArgumentException("quotaKey must be one of tenant, tenant+user, tenant+route,"
                    + " tenant+user+route (was '" + text + "')");
        }
    }

    /** What a quota check does when the shared store (Redis) does not answer within its timeout. */
    public enum QuotaFailMode {
        /** Admit the request without a quota check (availability first); counted in metrics. */
        OPEN("open"),
        /** Refuse the request with 503 {@code quota_unavailable} and {@code Retry-After: 1}. */
        CLOSED("closed");

        private final String spec;

        QuotaFailMode(String spec) {
            this.spec = spec;
        }

        /** @return the setting's text, {@code open} or {@code closed} */
        public String spec() {
            return spec;
        }

        /**
         * @param text {@code open} or {@code closed}
         * @return the mode
         * @throws IllegalArgumentException for any other text
         */
        public static QuotaFailMode parse(String text) {
            for (QuotaFailMode mode : values()) {
                if (mode.spec.equalsIgnoreCase(text.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("quotaFailMode must be open or closed (was '" + text + "')");
        }
    }

    /**
     * The circuit breaker of each route (one per route, same settings): when at least
     * {@code minimumCalls} calls ended in the last {@code window} and {@code failureRatePercent} of them
     * failed (connection failures, timeouts, 502/503/504 from the upstream), the route is short-circuited
     * with 503 for {@code openDuration}; then {@code halfOpenCalls} probe calls decide whether it closes or
     * opens again.
     *
     * @param enabled whether routes have breakers
     * @param failureRatePercent 1 to 100
     * @param window the sliding time window, whole seconds
     * @param minimumCalls calls needed in the window before the failure rate counts
     * @param openDuration how long an open breaker short-circuits before probing
     * @param halfOpenCalls probe calls in the half-open state
     */
    public record CircuitBreakerSettings(
            boolean enabled,
            int failureRatePercent,
            Duration window,
            int minimumCalls,
            Duration openDuration,
            int halfOpenCalls) {

        @Override
        public String toString() {
            return enabled
                    ? "{failureRate=" + failureRatePercent + "%, window=" + Settings.formatDuration(window)
                            + ", minCalls=" + minimumCalls + ", open=" + Settings.formatDuration(openDuration)
                            + ", halfOpenCalls="
                            + halfOpenCalls + "}"
                    : "off";
        }
    }

    /**
     * Collects and validates settings. Not thread-safe.
     */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int port = 8080;
        private final Map<String, String> routes = new LinkedHashMap<>();
        private final Map<String, Duration> routeTimeouts = new LinkedHashMap<>();
        private Duration defaultTimeout = Duration.ofSeconds(10);
        private byte @Nullable [] jwtSecret;
        private @Nullable URI jwksUrl;
        private Duration jwksCacheTtl = Duration.ofMinutes(5);
        private @Nullable String jwtIssuer;
        private @Nullable String jwtAudience;
        private final Set<String> jwtAlgorithms = new LinkedHashSet<>();
        private Duration clockSkew = Duration.ofSeconds(30);
        private String tenantClaim = "tenant_id";
        private String rolesClaim = "roles";
        private final List<String> trustedProxies = new ArrayList<>();
        private final List<String> corsAllowedOrigins = new ArrayList<>();
        private Duration corsMaxAge = Duration.ofMinutes(10);
        private long maxRequestBodyBytes = 10L * 1024 * 1024;
        private final Set<String> strippedHeaders = new LinkedHashSet<>();
        private boolean forwardAuthorization;
        private Duration upstreamHealthTimeout = Duration.ofSeconds(1);
        private int tokenCacheSize = 10_000;
        private Duration tokenCacheTtl = Duration.ofSeconds(60);
        private String managementBindAddress = "127.0.0.1";
        private @Nullable Integer managementPort;
        private @Nullable Quota defaultQuota;
        private final Map<String, Optional<Quota>> routeQuotas = new LinkedHashMap<>();
        private QuotaKey quotaKey = QuotaKey.TENANT;
        private @Nullable URI quotaRedisUrl;
        private Duration quotaRedisTimeout = Duration.ofMillis(100);
        private QuotaFailMode quotaFailMode = QuotaFailMode.OPEN;
        private String quotaKeyPrefix = "adx:gateway:quota:";
        private boolean breakerEnabled = true;
        private int breakerFailureRate = 50;
        private Duration breakerWindow = Duration.ofSeconds(10);
        private int breakerMinCalls = 20;
        private Duration breakerOpenDuration = Duration.ofSeconds(10);
        private int breakerHalfOpenCalls = 3;
        private int retries = 1;
        private Duration retryBackoff = Duration.ofMillis(50);

        private Builder() {}

        /**
         * Applies every {@code PLATFORM_GATEWAY_*} variable present in {@code env} (see the class javadoc).
         *
         * @param env the environment, usually {@link System#getenv()}
         * @return this builder
         * @throws IllegalArgumentException when a variable is malformed, naming it
         */
        public Builder environment(Map<String, String> env) {
            return environment(Settings.of(Objects.requireNonNull(env, "env")));
        }

        /**
         * Reads every {@code PLATFORM_GATEWAY_*} setting present in {@code env} (platform-core's rules: one
         * duration grammar, whole numbers, {@code true}/{@code false}, comma-separated lists).
         *
         * @param env the settings
         * @return this builder
         * @throws IllegalArgumentException when a value is malformed, naming the setting
         */
        public Builder environment(Settings env) {
            Objects.requireNonNull(env, "env");
            ifSet(env, "PLATFORM_GATEWAY_BIND_ADDRESS", this::bindAddress);
            ifSet(env, "PLATFORM_GATEWAY_PORT", v -> port((int) Settings.parseLong("PLATFORM_GATEWAY_PORT", v)));
            ifSet(env, "PLATFORM_GATEWAY_ROUTES", v -> {
                for (String item : Settings.parseList(v)) {
                    route(item);
                }
            });
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_DEFAULT_TIMEOUT",
                    v -> defaultTimeout(Settings.parseDuration("PLATFORM_GATEWAY_DEFAULT_TIMEOUT", v)));
            ifSet(env, "PLATFORM_GATEWAY_ROUTE_TIMEOUTS", v -> {
                for (String item : Settings.parseList(v)) {
                    int eq = item.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("PLATFORM_GATEWAY_ROUTE_TIMEOUTS entries must look like"
                                + " name=5s (was '" + item + "')");
                    }
                    routeTimeout(
                            item.substring(0, eq).trim(),
                            Settings.parseDuration("PLATFORM_GATEWAY_ROUTE_TIMEOUTS", item.substring(eq + 1)));
                }
            });
            ifSet(env, "PLATFORM_GATEWAY_JWT_SECRET", this::jwtSecret);
            ifSet(env, "PLATFORM_GATEWAY_JWKS_URL", v -> jwksUrl(parseUri("PLATFORM_GATEWAY_JWKS_URL", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_JWKS_CACHE_TTL",
                    v -> jwksCacheTtl(Settings.parseDuration("PLATFORM_GATEWAY_JWKS_CACHE_TTL", v)));
            ifSet(env, "PLATFORM_GATEWAY_JWT_ISSUER", this::jwtIssuer);
            ifSet(env, "PLATFORM_GATEWAY_JWT_AUDIENCE", this::jwtAudience);
            ifSet(env, "PLATFORM_GATEWAY_JWT_ALGORITHMS", v -> jwtAlgorithms(Settings.parseList(v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_JWT_CLOCK_SKEW",
                    v -> clockSkew(Settings.parseDuration("PLATFORM_GATEWAY_JWT_CLOCK_SKEW", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_TOKEN_CACHE_SIZE",
                    v -> tokenCacheSize((int) Math.max(
                            -1,
                            Math.min(Integer.MAX_VALUE, Settings.parseLong("PLATFORM_GATEWAY_TOKEN_CACHE_SIZE", v)))));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_TOKEN_CACHE_TTL",
                    v -> tokenCacheTtl(Settings.parseDuration("PLATFORM_GATEWAY_TOKEN_CACHE_TTL", v)));
            ifSet(env, "PLATFORM_GATEWAY_TENANT_CLAIM", this::tenantClaim);
            ifSet(env, "PLATFORM_GATEWAY_ROLES_CLAIM", this::rolesClaim);
            ifSet(env, "PLATFORM_GATEWAY_TRUSTED_PROXIES", v -> trustedProxies(Settings.parseList(v)));
            ifSet(env, "PLATFORM_GATEWAY_CORS_ORIGINS", v -> corsAllowedOrigins(Settings.parseList(v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_MAX_REQUEST_BYTES",
                    v -> maxRequestBodyBytes(Settings.parseLong("PLATFORM_GATEWAY_MAX_REQUEST_BYTES", v)));
            ifSet(env, "PLATFORM_GATEWAY_STRIP_HEADERS", v -> strippedHeaders(Settings.parseList(v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_FORWARD_AUTHORIZATION",
                    v -> forwardAuthorization(Settings.parseBoolean("PLATFORM_GATEWAY_FORWARD_AUTHORIZATION", v)));
            ifSet(env, "PLATFORM_GATEWAY_MANAGEMENT_BIND_ADDRESS", this::managementBindAddress);
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_MANAGEMENT_PORT",
                    v -> managementPort((int) Settings.parseLong("PLATFORM_GATEWAY_MANAGEMENT_PORT", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_DEFAULT_QUOTA",
                    v -> defaultQuota(isOff(v) ? null : Quota.parse("PLATFORM_GATEWAY_DEFAULT_QUOTA", v)));
            ifSet(env, "PLATFORM_GATEWAY_ROUTE_QUOTAS", v -> {
                for (String item : Settings.parseList(v)) {
                    int eq = item.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("PLATFORM_GATEWAY_ROUTE_QUOTAS entries must look like"
                                + " name=100/1s or name=off (was '" + item + "')");
                    }
                    String quota = item.substring(eq + 1).trim();
                    routeQuota(
                            item.substring(0, eq).trim(),
                            isOff(quota) ? null : Quota.parse("PLATFORM_GATEWAY_ROUTE_QUOTAS", quota));
                }
            });
            ifSet(env, "PLATFORM_GATEWAY_QUOTA_KEY", v -> quotaKey(QuotaKey.parse(v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_QUOTA_REDIS_URL",
                    v -> quotaRedisUrl(parseUri("PLATFORM_GATEWAY_QUOTA_REDIS_URL", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_QUOTA_REDIS_TIMEOUT",
                    v -> quotaRedisTimeout(Settings.parseDuration("PLATFORM_GATEWAY_QUOTA_REDIS_TIMEOUT", v)));
            ifSet(env, "PLATFORM_GATEWAY_QUOTA_FAIL_MODE", v -> quotaFailMode(QuotaFailMode.parse(v)));
            ifSet(env, "PLATFORM_GATEWAY_QUOTA_KEY_PREFIX", this::quotaKeyPrefix);
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_ENABLED",
                    v -> circuitBreakerEnabled(Settings.parseBoolean("PLATFORM_GATEWAY_BREAKER_ENABLED", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_FAILURE_RATE",
                    v -> circuitBreakerFailureRate(
                            (int) Settings.parseLong("PLATFORM_GATEWAY_BREAKER_FAILURE_RATE", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_WINDOW",
                    v -> circuitBreakerWindow(Settings.parseDuration("PLATFORM_GATEWAY_BREAKER_WINDOW", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_MIN_CALLS",
                    v -> circuitBreakerMinimumCalls((int) Settings.parseLong("PLATFORM_GATEWAY_BREAKER_MIN_CALLS", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_OPEN_DURATION",
                    v -> circuitBreakerOpenDuration(
                            Settings.parseDuration("PLATFORM_GATEWAY_BREAKER_OPEN_DURATION", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_BREAKER_HALF_OPEN_CALLS",
                    v -> circuitBreakerHalfOpenCalls(
                            (int) Settings.parseLong("PLATFORM_GATEWAY_BREAKER_HALF_OPEN_CALLS", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_RETRIES",
                    v -> retries((int) Settings.parseLong("PLATFORM_GATEWAY_RETRIES", v)));
            ifSet(
                    env,
                    "PLATFORM_GATEWAY_RETRY_BACKOFF",
                    v -> retryBackoff(Settings.parseDuration("PLATFORM_GATEWAY_RETRY_BACKOFF", v)));
            return this;
        }

        private static boolean isOff(String value) {
            return value.trim().equalsIgnoreCase("off");
        }

        private static void ifSet(Settings env, String name, java.util.function.Consumer<String> setter) {
            env.string(name).ifPresent(setter);
        }

        /**
         * @param bindAddress the address to bind, such as {@code 0.0.0.0} or {@code 127.0.0.1}
         * @return this builder
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param port the port, 0 for any free port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Adds or replaces a route given as {@code name=baseUrl}.
         *
         * @param spec such as {@code users=http://127.0.0.1:8081}
         * @return this builder
         */
        public Builder route(String spec) {
            Objects.requireNonNull(spec, "spec");
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("route must look like name=http://host:port (was '" + spec
                        + "'); for example users=http://127.0.0.1:8081");
            }
            return route(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
        }

        /**
         * Adds or replaces a route with the default timeout.
         *
         * @param name the {@code {service}} segment
         * @param baseUrl the upstream base URL, such as {@code http://127.0.0.1:8081}
         * @return this builder
         */
        public Builder route(String name, String baseUrl) {
            routes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /**
         * Adds or replaces a route with its own timeout.
         *
         * @param name the {@code {service}} segment
         * @param baseUrl the upstream base URL
         * @param timeout the whole-exchange timeout; slower upstreams get 504
         * @return this builder
         */
        public Builder route(String name, String baseUrl, Duration timeout) {
            route(name, baseUrl);
            return routeTimeout(name, timeout);
        }

        /**
         * Sets the timeout of one route (applied at build time, so the order of calls does not matter).
         *
         * @param name the route name
         * @param timeout the timeout
         * @return this builder
         */
        public Builder routeTimeout(String name, Duration timeout) {
            routeTimeouts.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(timeout, "timeout"));
            return this;
        }

        /**
         * @param defaultTimeout the timeout of routes without their own (default 10 s)
         * @return this builder
         */
        public Builder defaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            return this;
        }

        /**
         * Verifies tokens with a shared HMAC secret (UTF-8 bytes of the text).
         *
         * @param secret at least 32 bytes for HS256, 48 for HS384, 64 for HS512
         * @return this builder
         */
        public Builder jwtSecret(String secret) {
            this.jwtSecret = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Verifies tokens with public keys fetched (and cached) from a JWKS URL.
         *
         * @param jwksUrl the JWKS document's URL
         * @return this builder
         */
        public Builder jwksUrl(URI jwksUrl) {
            this.jwksUrl = Objects.requireNonNull(jwksUrl, "jwksUrl");
            return this;
        }

        /**
         * @param ttl how long JWKS keys are cached (default 5 min); unknown key ids trigger a refresh
         * @return this builder
         */
        public Builder jwksCacheTtl(Duration ttl) {
            this.jwksCacheTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * @param issuer the required {@code iss}
         * @return this builder
         */
        public Builder jwtIssuer(String issuer) {
            this.jwtIssuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /**
         * @param audience the audience {@code aud} must contain
         * @return this builder
         */
        public Builder jwtAudience(String audience) {
            this.jwtAudience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /**
         * Replaces the accepted algorithms (default: HS256 with a secret, RS256 with JWKS).
         *
         * @param algorithms JWS algorithm names such as {@code HS256} or {@code RS256}
         * @return this builder
         */
        public Builder jwtAlgorithms(List<String> algorithms) {
            jwtAlgorithms.clear();
            jwtAlgorithms.addAll(algorithms);
            return this;
        }

        /**
         * @param clockSkew tolerance on {@code exp}/{@code nbf}, 0 to 5 min (default 30 s)
         * @return this builder
         */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
            return this;
        }

        /**
         * @param claim the claim holding the tenant id (default {@code tenant_id})
         * @return this builder
         */
        public Builder tenantClaim(String claim) {
            this.tenantClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        /**
         * @param claim the claim holding the roles (default {@code roles})
         * @return this builder
         */
        public Builder rolesClaim(String claim) {
            this.rolesClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        /**
         * Replaces the trusted proxies.
         *
         * @param proxies IP literals or CIDR ranges such as {@code 10.0.0.0/8}
         * @return this builder
         */
        public Builder trustedProxies(List<String> proxies) {
            trustedProxies.clear();
            trustedProxies.addAll(proxies);
            return this;
        }

        /**
         * Replaces the CORS allow-list.
         *
         * @param origins exact origins such as {@code https://app.example.com}
         * @return this builder
         */
        public Builder corsAllowedOrigins(List<String> origins) {
            corsAllowedOrigins.clear();
            corsAllowedOrigins.addAll(origins);
            return this;
        }

        /**
         * @param maxAge how long a preflight answer may be cached (default 10 min)
         * @return this builder
         */
        public Builder corsMaxAge(Duration maxAge) {
            this.corsMaxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /**
         * @param bytes the largest request body accepted (default 10 MiB)
         * @return this builder
         */
        public Builder maxRequestBodyBytes(long bytes) {
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /**
         * Replaces the extra request headers stripped from client requests (the identity headers are
         * always stripped).
         *
         * @param headers header names
         * @return this builder
         */
        public Builder strippedHeaders(List<String> headers) {
            strippedHeaders.clear();
            strippedHeaders.addAll(headers);
            return this;
        }

        /**
         * @param forward whether to pass the client's {@code Authorization} header upstream (default false)
         * @return this builder
         */
        public Builder forwardAuthorization(boolean forward) {
            this.forwardAuthorization = forward;
            return this;
        }

        /**
         * @param timeout the timeout of each upstream health probe (default 1 s)
         * @return this builder
         */
        public Builder upstreamHealthTimeout(Duration timeout) {
            this.upstreamHealthTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param size how many verified tokens to remember (default 10,000; 0 verifies every request)
         * @return this builder
         */
        public Builder tokenCacheSize(int size) {
            this.tokenCacheSize = size;
            return this;
        }

        /**
         * @param ttl the longest time a cached verification is reused (default 60 s; never past the
         *     token's {@code exp})
         * @return this builder
         */
        public Builder tokenCacheTtl(Duration ttl) {
            this.tokenCacheTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * @param bindAddress the address of the management listener (default {@code 127.0.0.1}); use
         *     {@code 0.0.0.0} in a container so that the kubelet and Prometheus reach it, and keep its port
         *     off every ingress
         * @return this builder
         */
        public Builder managementBindAddress(String bindAddress) {
            this.managementBindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param port the management port, 0 for any free port (default 9080, or 0 when {@link #port(int)}
         *     is 0); it must differ from the public port
         * @return this builder
         */
        public Builder managementPort(int port) {
            this.managementPort = port;
            return this;
        }

        /**
         * @param quota the quota of routes without their own, or null for none (the default)
         * @return this builder
         */
        public Builder defaultQuota(@Nullable Quota quota) {
            this.defaultQuota = quota;
            return this;
        }

        /**
         * Gives a route a quota of its own, with buckets of its own.
         *
         * @param routeName the route
         * @param quota its quota, or null to exempt the route from the default quota
         * @return this builder
         */
        public Builder routeQuota(String routeName, @Nullable Quota quota) {
            routeQuotas.put(Objects.requireNonNull(routeName, "routeName"), Optional.ofNullable(quota));
            return this;
        }

        /**
         * @param key what buckets are keyed by besides their policy (default {@link QuotaKey#TENANT})
         * @return this builder
         */
        public Builder quotaKey(QuotaKey key) {
            this.quotaKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * @param url the Redis server holding the buckets that all gateway instances share
         *     ({@code redis://[:password@]host:port[/db]} or {@code rediss://...}), or null to keep buckets in
         *     this process's memory (the default)
         * @return this builder
         */
        public Builder quotaRedisUrl(@Nullable URI url) {
            this.quotaRedisUrl = url;
            return this;
        }

        /**
         * @param timeout the bound of every Redis call of a quota check, 1 ms to 5 s (default 100 ms)
         * @return this builder
         */
        public Builder quotaRedisTimeout(Duration timeout) {
            this.quotaRedisTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param mode what a quota check does when Redis is unavailable (default {@link QuotaFailMode#OPEN})
         * @return this builder
         */
        public Builder quotaFailMode(QuotaFailMode mode) {
            this.quotaFailMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param prefix the prefix of every quota key in Redis (default {@code adx:gateway:quota:})
         * @return this builder
         */
        public Builder quotaKeyPrefix(String prefix) {
            this.quotaKeyPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * @param enabled whether each route has a circuit breaker (default true)
         * @return this builder
         */
        public Builder circuitBreakerEnabled(boolean enabled) {
            this.breakerEnabled = enabled;
            return this;
        }

        /**
         * @param percent failure rate in the window that opens a route's breaker, 1 to 100 (default 50)
         * @return this builder
         */
        public Builder circuitBreakerFailureRate(int percent) {
            this.breakerFailureRate = percent;
            return this;
        }

        /**
         * @param window the breaker's sliding time window, whole seconds from 1 s to 10 min (default 10 s)
         * @return this builder
         */
        public Builder circuitBreakerWindow(Duration window) {
            this.breakerWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * @param calls calls in the window before the failure rate is judged, at least 1 (default 20)
         * @return this builder
         */
        public Builder circuitBreakerMinimumCalls(int calls) {
            this.breakerMinCalls = calls;
            return this;
        }

        /**
         * @param duration how long an open breaker short-circuits before it lets probes through (default 10 s)
         * @return this builder
         */
        public Builder circuitBreakerOpenDuration(Duration duration) {
            this.breakerOpenDuration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * @param calls probe calls in the half-open state, at least 1 (default 3)
         * @return this builder
         */
        public Builder circuitBreakerHalfOpenCalls(int calls) {
            this.breakerHalfOpenCalls = calls;
            return this;
        }

        /**
         * @param retries extra attempts for idempotent requests without a body whose connection to the
         *     upstream failed before any response, 0 to 5 (default 1)
         * @return this builder
         */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /**
         * @param backoff the first retry's backoff, doubled for each further one, with jitter (default 50 ms)
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Validates and seals the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the setting, the bad value and the fix
         */
        public GatewayConfig build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535 (was " + port + ")");
            }
            if (bindAddress.isBlank()) {
                throw new IllegalArgumentException("bindAddress must not be blank; use 0.0.0.0 or 127.0.0.1");
            }
            requirePositive("defaultTimeout", defaultTimeout);
            if (routes.isEmpty()) {
                throw new IllegalArgumentException("routes must not be empty; add one with route(\"users\", "
                        + "\"http://127.0.0.1:8081\") or PLATFORM_GATEWAY_ROUTES=users=http://127.0.0.1:8081");
            }
            for (String name : routeTimeouts.keySet()) {
                if (!routes.containsKey(name)) {
                    throw new IllegalArgumentException("routeTimeout names route '" + name
                            + "', which is not configured; configured routes are " + routes.keySet());
                }
            }
            Map<String, Route> built = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : routes.entrySet()) {
                String name = e.getKey();
                if (!ROUTE_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("route name must be lowercase letters, digits and '-' (was '"
                            + name + "'); it is the {service} segment of /api/v1/{service}/**");
                }
                URI base = parseUri("route '" + name + "' base URL", e.getValue());
                String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
                    throw new IllegalArgumentException("route '" + name + "' base URL must be an absolute http:// or"
                            + " https:// URL with a host (was '" + base + "'); for example http://127.0.0.1:8081");
                }
                if (base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("route '" + name + "' base URL must not contain user info, a"
                            + " query or a fragment (was '" + base + "')");
                }
                Duration timeout = routeTimeouts.getOrDefault(name, defaultTimeout);
                requirePositive("route '" + name + "' timeout", timeout);
                built.put(name, new Route(name, base, timeout));
            }
            if (jwtSecret == null && jwksUrl == null) {
                throw new IllegalArgumentException("token verification needs exactly one key source: set jwtSecret"
                        + " (PLATFORM_GATEWAY_JWT_SECRET) or jwksUrl (PLATFORM_GATEWAY_JWKS_URL); neither was set");
            }
            if (jwtSecret != null && jwksUrl != null) {
                throw new IllegalArgumentException("token verification needs exactly one key source, but both jwtSecret"
                        + " and jwksUrl (" + jwksUrl + ") were set; remove one");
            }
            if (jwksUrl != null) {
                String s =
                        jwksUrl.getScheme() == null ? "" : jwksUrl.getScheme().toLowerCase(Locale.ROOT);
                if (!(s.equals("http") || s.equals("https")) || jwksUrl.getHost() == null) {
                    throw new IllegalArgumentException(
                            "jwksUrl must be an absolute http(s) URL (was '" + jwksUrl + "')");
                }
                requirePositive("jwksCacheTtl", jwksCacheTtl);
            }
            if (jwtIssuer == null || jwtIssuer.isBlank()) {
                throw new IllegalArgumentException(
                        "jwtIssuer must be set (was " + (jwtIssuer == null ? "unset" : "blank")
                                + "); set PLATFORM_GATEWAY_JWT_ISSUER to the iss claim of your tokens");
            }
            if (jwtAudience == null || jwtAudience.isBlank()) {
                throw new IllegalArgumentException(
                        "jwtAudience must be set (was "
                                + (jwtAudience == null ? "unset" : "blank")
                                + "); set PLATFORM_GATEWAY_JWT_AUDIENCE to the aud your identity provider issues for this gateway");
            }
            Set<String> algorithms = new LinkedHashSet<>(jwtAlgorithms);
            if (algorithms.isEmpty()) {
                algorithms.add(jwtSecret != null ? "HS256" : "RS256");
            }
            Set<String> allowed = jwtSecret != null ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS;
            for (String alg : algorithms) {
                if (alg.equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException("jwtAlgorithms must not contain 'none' (was " + algorithms
                            + "); unsigned tokens are never accepted");
                }
                if (!allowed.contains(alg)) {
                    throw new IllegalArgumentException("jwtAlgorithms contains '" + alg + "', which does not fit "
                            + (jwtSecret != null ? "a shared jwtSecret" : "a jwksUrl") + "; allowed are "
                            + new java.util.TreeSet<>(allowed) + " (mixing HMAC and public-key algorithms enables"
                            + " algorithm-confusion attacks)");
                }
            }
            if (jwtSecret != null) {
                int needed = algorithms.contains("HS512") ? 64 : algorithms.contains("HS384") ? 48 : 32;
                if (jwtSecret.length < needed) {
                    throw new IllegalArgumentException(
                            "jwtSecret must be at least " + needed + " bytes for " + algorithms + " (was "
                                    + jwtSecret.length + " bytes); generate one with: openssl rand -base64 48");
                }
            }
            if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0s and 5m (was " + clockSkew + ")");
            }
            if (!CLAIM_NAME.matcher(tenantClaim).matches()) {
                throw new IllegalArgumentException("tenantClaim must be a claim name (was '" + tenantClaim + "')");
            }
            if (!CLAIM_NAME.matcher(rolesClaim).matches()) {
                throw new IllegalArgumentException("rolesClaim must be a claim name (was '" + rolesClaim + "')");
            }
            for (String proxy : trustedProxies) {
                int slash = proxy.indexOf('/');
                String address = slash < 0 ? proxy : proxy.substring(0, slash);
                boolean ok = IpLiterals.isIpLiteral(address);
                if (ok && slash >= 0) {
                    try {
                        int bits = Integer.parseInt(proxy.substring(slash + 1));
                        ok = bits >= 0 && bits <= (address.indexOf(':') >= 0 ? 128 : 32);
                    } catch (NumberFormatException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    throw new IllegalArgumentException(
                            "trustedProxies entries must be IP literals or CIDR ranges such as" + " 10.0.0.0/8 (was '"
                                    + proxy + "'); host names are not accepted");
                }
            }
            for (String origin : corsAllowedOrigins) {
                URI uri;
                try {
                    uri = new URI(origin);
                } catch (URISyntaxException e) {
                    uri = null;
                }
                if (uri == null
                        || uri.getScheme() == null
                        || uri.getHost() == null
                        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                        || uri.getRawQuery() != null
                        || origin.equals("*")) {
                    throw new IllegalArgumentException("corsAllowedOrigins entries must be exact origins such as"
                            + " https://app.example.com, without path or wildcard (was '" + origin + "')");
                }
            }
            if (corsMaxAge.isNegative()) {
                throw new IllegalArgumentException("corsMaxAge must not be negative (was " + corsMaxAge + ")");
            }
            if (maxRequestBodyBytes <= 0) {
                throw new IllegalArgumentException("maxRequestBodyBytes must be > 0 (was " + maxRequestBodyBytes + ")");
            }
            requirePositive("upstreamHealthTimeout", upstreamHealthTimeout);
            if (tokenCacheSize < 0 || tokenCacheSize > 1_000_000) {
                throw new IllegalArgumentException(
                        "tokenCacheSize must be between 0 (off) and 1000000 (was " + tokenCacheSize + ")");
            }
            requirePositive("tokenCacheTtl", tokenCacheTtl);
            if (tokenCacheTtl.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("tokenCacheTtl must be at most 1h (was " + tokenCacheTtl
                        + "); it bounds how long a key rotation takes to reach cached tokens");
            }
            Set<String> stripped = new LinkedHashSet<>();
            IDENTITY_HEADERS.forEach(h -> stripped.add(h.toLowerCase(Locale.ROOT)));
            for (String header : strippedHeaders) {
                if (!HEADER_NAME.matcher(header).matches()) {
                    throw new IllegalArgumentException(
                            "strippedHeaders entries must be header names (was '" + header + "')");
                }
                stripped.add(header.toLowerCase(Locale.ROOT));
            }
            if (managementBindAddress.isBlank()) {
                throw new IllegalArgumentException("managementBindAddress must not be blank; use 127.0.0.1 (the"
                        + " default) or 0.0.0.0 in a container");
            }
            int management = managementPort != null ? managementPort : port == 0 ? 0 : 9080;
            if (management < 0 || management > 65535) {
                throw new IllegalArgumentException(
                        "managementPort must be between 0 and 65535 (was " + management + ")");
            }
            if (management != 0 && management == port) {
                throw new IllegalArgumentException("managementPort must differ from port (both were " + port
                        + "); metrics and health details must never be served on the public port");
            }
            for (String name : routeQuotas.keySet()) {
                if (!routes.containsKey(name)) {
                    throw new IllegalArgumentException("routeQuota names route '" + name
                            + "', which is not configured; configured routes are " + routes.keySet());
                }
            }
            if (quotaRedisUrl != null) {
                String s = quotaRedisUrl.getScheme() == null
                        ? ""
                        : quotaRedisUrl.getScheme().toLowerCase(Locale.ROOT);
                if (!(s.equals("redis") || s.equals("rediss")) || quotaRedisUrl.getHost() == null) {
                    throw new IllegalArgumentException("quotaRedisUrl must be a redis:// or rediss:// URL with a host"
                            + " (was '" + Secrets.maskUri(quotaRedisUrl) + "'); for example redis://127.0.0.1:6379");
                }
            }
            requirePositive("quotaRedisTimeout", quotaRedisTimeout);
            if (quotaRedisTimeout.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException("quotaRedisTimeout must be at most 5s (was " + quotaRedisTimeout
                        + "); every request waits at most this long for its quota check");
            }
            if (quotaKeyPrefix.isEmpty()
                    || quotaKeyPrefix.length() > 128
                    || quotaKeyPrefix.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException(
                        "quotaKeyPrefix must be 1 to 128 visible ASCII characters (was '" + quotaKeyPrefix + "')");
            }
            if (breakerFailureRate < 1 || breakerFailureRate > 100) {
                throw new IllegalArgumentException(
                        "circuitBreakerFailureRate must be between 1 and 100 percent (was " + breakerFailureRate + ")");
            }
            if (breakerWindow.toMillis() % 1000 != 0
                    || breakerWindow.compareTo(Duration.ofSeconds(1)) < 0
                    || breakerWindow.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "circuitBreakerWindow must be whole seconds between 1s and 10m (was " + breakerWindow + ")");
            }
            if (breakerMinCalls < 1) {
                throw new IllegalArgumentException(
                        "circuitBreakerMinimumCalls must be >= 1 (was " + breakerMinCalls + ")");
            }
            requirePositive("circuitBreakerOpenDuration", breakerOpenDuration);
            if (breakerHalfOpenCalls < 1) {
                throw new IllegalArgumentException(
                        "circuitBreakerHalfOpenCalls must be >= 1 (was " + breakerHalfOpenCalls + ")");
            }
            if (retries < 0 || retries > 5) {
                throw new IllegalArgumentException("retries must be between 0 and 5 (was " + retries + ")");
            }
            requirePositive("retryBackoff", retryBackoff);
            return new GatewayConfig(this, built, algorithms, stripped, management, new LinkedHashMap<>(routeQuotas));
        }

        private static void requirePositive(String setting, Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(setting + " must be > 0 (was " + value + ")");
            }
        }
    }

    private static URI parseUri(String setting, String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " must be a URL (was '" + value + "'): " + e.getReason(), e);
        }
    }
}
