package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.core.Secrets;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, shared by every gateway instance, through Bucket4j's Lettuce proxy manager
 * (compare-and-swap on one key per bucket; keys expire once their bucket would be full again).
 *
 * <p><b>Never hangs a request.</b> Every check is bounded three ways: Lettuce's command timeout, Bucket4j's
 * request timeout and a final {@code orTimeout} on the returned future, all {@code timeout}. Commands
 * issued while the connection is down are rejected at once (Lettuce's {@code REJECT_COMMANDS}) rather
 * than queued. A circuit breaker in front of Redis (Resilience4j: half of the last 20 checks failed, at
 * least 10) skips Redis for one second at a time during an outage, so requests then get the fail mode
 * without waiting for the timeout. A Redis that is down at start-up does not stop the gateway: the
 * connection is tried again every second in the background until it succeeds; after that, Lettuce
 * reconnects by itself (backoff up to one second).
 *
 * <p>Concurrent checks of the same bucket in this process are batched into one Redis exchange
 * (Bucket4j's batching optimization), so a tenant's burst costs Redis far fewer commands than requests.
 *
 * <p>Thread-safe. Owns a Lettuce client (two I/O threads, Lettuce's minimum) and one connection; {@link #close()} them.
 */
final class RedisQuotaStore implements Quotas.Store {

    private static final Logger log = LoggerFactory.getLogger(RedisQuotaStore.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final int MAX_PROXIES = 100_000;
    private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final String maskedUrl;
    private final Duration timeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI redisUri;
    private final CircuitBreaker breaker;
    private final ConcurrentHashMap<String, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;
    private volatile @Nullable AsyncProxyManager<String> manager;
    private volatile boolean closed;

    RedisQuotaStore(URI url, Duration timeout, MeterRegistry registry) {
        this.maskedUrl = Secrets.maskUri(url);
        this.timeout = timeout;
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), RECONNECT_INTERVAL, 2, TimeUnit.MILLISECONDS))
                .build();
        this.redisUri = RedisURI.create(url.toString());
        // The URI's timeout bounds the connection handshake (off the request path); commands have their own
        // fixed timeout below.
        redisUri.setTimeout(CONNECT_TIMEOUT);
        this.client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .keepAlive(true)
                        .tcpNoDelay(true)
                        .build())
                .build());
        this.breaker = CircuitBreaker.of(
                "quota-redis",
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(RECONNECT_INTERVAL)
                        .permittedNumberOfCallsInHalfOpenState(3)
                        .writableStackTraceEnabled(false)
                        .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                log.warn(
                        "Quota store {} is failing; quota checks apply the fail mode without asking it for {}",
                        maskedUrl,
                        RECONNECT_INTERVAL);
            } else if (e.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
                log.info("Quota store {} answers again", maskedUrl);
            }
        });
        Gauge.builder("gateway.quota.store.available", this, s -> s.isAvailable() ? 1 : 0)
                .description("1 when the Redis quota store is connected and its breaker is not open")
                .register(registry);
        try {
            connected(client.connect(CODEC));
        } catch (RuntimeException e) {
            log.warn(
                    "Quota store {} is not reachable at start-up ({}); quota checks apply the fail mode until it is",
                    maskedUrl,
                    e.getMessage());
            scheduleConnect();
        }
    }

    /** Tries to connect again in {@link #RECONNECT_INTERVAL}, and again after each failure, until connected. */
    private void scheduleConnect() {
        if (closed) {
            return;
        }
        resources
                .eventExecutorGroup()
                .schedule(this::connectInBackground, RECONNECT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void connectInBackground() {
        if (closed || manager != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        client.connectAsync(CODEC, redisUri).whenComplete((conn, failure) -> {
            connecting.set(false);
            if (failure != null) {
                log.debug("quota store still not reachable", failure);
                scheduleConnect();
            } else if (closed) {
                conn.closeAsync();
            } else {
                connected(conn);
            }
        });
    }

    private void connected(StatefulRedisConnection<String, byte[]> conn) {
        this.connection = conn;
        this.manager = Bucket4jLettuce.casBasedBuilder(conn.async())
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(5)))
                .requestTimeout(timeout)
                .build()
                .asAsync();
        log.info("Quota store connected: {}", maskedUrl);
    }

    @Override
    public CompletableFuture<ConsumptionProbe> tryConsume(String key, Quotas.Policy policy) {
        AsyncProxyManager<String> m = manager;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("quota store not connected"));
        }
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new IllegalStateException("quota store breaker open"));
        }
        AsyncBucketProxy bucket = proxies.get(key);
        if (bucket == null) {
            if (proxies.size() >= MAX_PROXIES) {
                proxies.clear(); // proxies hold no bucket state (that is in Redis); they are cheap to rebuild
            }
            bucket = proxies.computeIfAbsent(
                    key,
                    k -> m.builder()
                            .withOptimization(Optimizations.batching())
                            .build(k, () -> CompletableFuture.completedFuture(policy.bucket)));
        }
        long start = System.nanoTime();
        CompletableFuture<ConsumptionProbe> result;
        try {
            result = bucket.tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((probe, failure) -> {
            long nanos = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                log.debug("quota check failed", failure);
            }
        });
    }

    /** @return whether the store is connected and not short-circuited */
    boolean isAvailable() {
        StatefulRedisConnection<String, byte[]> c = connection;
        return c != null && c.isOpen() && breaker.getState() != CircuitBreaker.State.OPEN;
    }

    /** @return a non-critical health check: PING within the timeout */
    HealthCheck healthCheck() {
        return new HealthCheck() {
            @Override
            public String name() {
                return "quota.redis";
            }

            @Override
            public HealthResult check() throws Exception {
                StatefulRedisConnection<String, byte[]> c = connection;
                if (c == null || !c.isOpen()) {
                    return HealthResult.down("quota store is not connected; quota checks apply the fail mode");
                }
                c.async().ping().get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS);
                return HealthResult.up()
                        .withDetail("breaker", breaker.getState().name());
            }

            @Override
            public boolean isCritical() {
                return false;
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return maskedUrl;
    }
}
