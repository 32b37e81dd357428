package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.examples.gateway.GatewayConfig;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Per-tenant quotas: one token bucket per policy and verified tenant (optionally also per user or
 * route, by {@link GatewayConfig#quotaKey()}), kept in Redis when {@link GatewayConfig#quotaRedisUrl()}
 * is set (shared by every gateway instance) and in this process's memory otherwise.
 *
 * <p>The tenant always comes from the verified token ({@link Identity}), never from a request header.
 * Bucket keys encode each part with its length, so no two (tenant, user, route) triples share a bucket
 * whatever characters the ids contain.
 *
 * <p>Metrics (tags from fixed sets: route templates, never tenant or user ids):
 * {@code gateway.quota.throttled{route}} counts 429s; {@code gateway.quota.unavailable{route,decision}}
 * counts checks that the store could not answer in time, {@code decision=admitted} (fail open) or
 * {@code rejected} (fail closed).
 *
 * <p>Thread-safe. A check costs one map lookup in memory, or one or two Redis round trips (Bucket4j's
 * compare-and-swap), bounded by {@link GatewayConfig#quotaRedisTimeout()}.
 */
public final class Quotas implements AutoCloseable {

    /** One quota policy: the route's own quota or the default one. */
    public static final class Policy {
        final String id;
        final String keySegment;
        final GatewayConfig.Quota quota;
        final BucketConfiguration bucket;
        final String policyHeader;

        Policy(String id, String keySegment, GatewayConfig.Quota quota) {
            this.id = id;
            this.keySegment = keySegment;
            this.quota = quota;
            this.bucket = BucketConfiguration.builder()
                    .addLimit(limit -> limit.capacity(quota.limit()).refillGreedy(quota.limit(), quota.window()))
                    .build();
            this.policyHeader = "\"" + id + "\";q=" + quota.limit() + ";w=" + quota.windowSeconds();
        }

        /** @return the {@code RateLimit-Policy} value, such as {@code "default";q=100;w=60} */
        public String policyHeader() {
            return policyHeader;
        }
    }

    /** The outcome of a quota check. */
    public enum Outcome {
        /** Within the quota: proxy it. */
        ALLOWED,
        /** Over the quota: 429. */
        THROTTLED,
        /** The store did not answer in time and the fail mode is open: proxy it, without rate-limit headers. */
        UNAVAILABLE_ADMITTED,
        /** The store did not answer in time and the fail mode is closed: 503. */
        UNAVAILABLE_REJECTED
    }

    /**
     * A quota check's result.
     *
     * @param outcome what to do with the request
     * @param policy the policy checked
     * @param remaining tokens left after this request (ALLOWED / THROTTLED)
     * @param resetSeconds seconds until the bucket is full again (ALLOWED / THROTTLED)
     * @param retryAfterSeconds seconds until one more request fits (THROTTLED), at least 1
     */
    public record Decision(Outcome outcome, Policy policy, long remaining, long resetSeconds, long retryAfterSeconds) {

        /** @return the {@code RateLimit} value, such as {@code "default";r=42;t=17} */
        public String rateLimitHeader() {
            return "\"" + policy.id + "\";r=" + remaining + ";t=" + resetSeconds;
        }
    }

    /** Where buckets live. */
    interface Store extends AutoCloseable {
        /**
         * Takes one token from the bucket {@code key} (created full with {@code policy}'s configuration).
         *
         * @return the probe; completes exceptionally when the store did not answer in time
         */
        CompletableFuture<ConsumptionProbe> tryConsume(String key, Policy policy);

        @Override
        void close();
    }

    private final Map<String, Policy> policyByRoute = new HashMap<>();
    private final GatewayConfig.QuotaKey quotaKey;
    private final GatewayConfig.QuotaFailMode failMode;
    private final String keyPrefix;
    private final Store store;
    private final Map<String, Counter> throttled = new HashMap<>();
    private final Map<String, Counter> admittedUnchecked = new HashMap<>();
    private final Map<String, Counter> rejectedUnchecked = new HashMap<>();

    private Quotas(GatewayConfig config, Store store, MeterRegistry registry) {
        this.quotaKey = config.quotaKey();
        this.failMode = config.quotaFailMode();
        this.keyPrefix = config.quotaKeyPrefix();
        this.store = store;
        Policy shared = config.defaultQuota()
                .map(q -> new Policy("default", "default", q))
                .orElse(null);
        for (GatewayConfig.Route route : config.routes().values()) {
            Optional<GatewayConfig.Quota> quota = config.quotaOf(route.name());
            if (quota.isEmpty()) {
                continue;
            }
            Policy policy = config.hasOwnQuota(route.name())
                    ? new Policy(route.name(), "route:" + route.name(), quota.get())
                    : shared;
            policyByRoute.put(route.name(), policy);
            String template = route.template();
            throttled.put(
                    route.name(),
                    Counter.builder("gateway.quota.throttled")
                            .description("Requests refused with 429 because the tenant's quota was used up")
                            .tag("route", template)
                            .register(registry));
            admittedUnchecked.put(
                    route.name(),
                    Counter.builder("gateway.quota.unavailable")
                            .description("Quota checks the store could not answer in time")
                            .tag("route", template)
                            .tag("decision", "admitted")
                            .register(registry));
            rejectedUnchecked.put(
                    route.name(),
                    Counter.builder("gateway.quota.unavailable")
                            .description("Quota checks the store could not answer in time")
                            .tag("route", template)
                            .tag("decision", "rejected")
                            .register(registry));
        }
    }

    /**
     * Builds the quotas of a configuration, connecting to Redis when it names one (a Redis that is down
     * does not stop the gateway from starting: checks apply the fail mode until it answers).
     *
     * @param config the configuration
     * @param registry where the quota meters are registered
     * @return the quotas, or null when no route has a quota
     */
    public static @Nullable Quotas create(GatewayConfig config, MeterRegistry registry) {
        boolean any = config.routes().keySet().stream()
                .anyMatch(name -> config.quotaOf(name).isPresent());
        if (!any) {
            return null;
        }
        Store store = config.quotaRedisUrl().isPresent()
                ? new RedisQuotaStore(config.quotaRedisUrl().get(), config.quotaRedisTimeout(), registry)
                : new LocalQuotaStore();
        return new Quotas(config, store, registry);
    }

    /**
     * @param route a configured route
     * @return its policy, or null when the route has no quota
     */
    public @Nullable Policy policyOf(GatewayConfig.Route route) {
        return policyByRoute.get(route.name());
    }

    /**
     * Takes one request from the caller's bucket. Never completes exceptionally, and completes within
     * the store's timeout.
     *
     * @param policy the route's policy ({@link #policyOf})
     * @param route the route
     * @param identity the verified caller
     * @return the decision
     */
    public CompletableFuture<Decision> check(Policy policy, GatewayConfig.Route route, Identity identity) {
        String key = key(policy, route, identity);
        CompletableFuture<ConsumptionProbe> probe;
        try {
            probe = store.tryConsume(key, policy);
        } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
        }
        return probe.handle((p, failure) -> {
            if (failure != null || p == null) {
                if (failMode == GatewayConfig.QuotaFailMode.OPEN) {
                    Objects.requireNonNull(admittedUnchecked.get(route.name()), route.name())
                            .increment();
                    return new Decision(Outcome.UNAVAILABLE_ADMITTED, policy, 0, 0, 0);
                }
                Objects.requireNonNull(rejectedUnchecked.get(route.name()), route.name())
                        .increment();
                return new Decision(Outcome.UNAVAILABLE_REJECTED, policy, 0, 0, 1);
            }
            long reset = seconds(p.getNanosToWaitForReset());
            if (p.isConsumed()) {
                return new Decision(Outcome.ALLOWED, policy, p.getRemainingTokens(), reset, 0);
            }
            Objects.requireNonNull(throttled.get(route.name()), route.name()).increment();
            return new Decision(
                    Outcome.THROTTLED,
                    policy,
                    p.getRemainingTokens(),
                    reset,
                    Math.max(1, seconds(p.getNanosToWaitForRefill())));
        });
    }

    /** @return the store's description for health and logs ({@code memory} or the masked Redis URL) */
    @Override
    public String toString() {
        return "Quotas{" + store + ", key=" + quotaKey.spec() + ", failMode=" + failMode.spec() + '}';
    }

    /** @return the store, for the health check */
    Store store() {
        return store;
    }

    /**
     * @return a health check of the store, or empty when buckets live in memory
     */
    public Optional<dev.adxcore.platform.observability.health.HealthCheck> healthCheck() {
        return store instanceof RedisQuotaStore redis ? Optional.of(redis.healthCheck()) : Optional.empty();
    }

    String key(Policy policy, GatewayConfig.Route route, Identity identity) {
        StringBuilder key = new StringBuilder(keyPrefix.length() + 64)
                .append(keyPrefix)
                .append(policy.keySegment)
                .append(":t")
                .append(identity.tenantId().length())
                .append(':')
                .append(identity.tenantId());
        if (quotaKey.isByUser()) {
            key.append(":u").append(identity.userId().length()).append(':').append(identity.userId());
        }
        if (quotaKey.isByRoute()) {
            key.append(":r:").append(route.name());
        }
        return key.toString();
    }

    private static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }

    @Override
    public void close() {
        store.close();
    }
}
