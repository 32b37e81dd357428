package dev.adxcore.platform.events.redis;

import dev.adxcore.platform.events.redis.internal.UriParameters;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a Redis Streams event bus: where Redis is and how the bus uses its streams.
 *
 * <p>Every setting can also be given as a query parameter of the bus URI, so that a service switches
 * transport with one setting ({@code PLATFORM_EVENTS_URL}); the parameter names are the builder method
 * names:
 *
 * <pre>{@code
 * redis://:secret@redis.internal:6379/0?streamKeyPrefix=orders:events:&maxStreamLength=500000
 *     &blockTime=2s&batchSize=100&consumerName=orders-7f9c&minIdleBeforeReclaim=60s
 *     &maxDeliveries=10&handlerConcurrency=4
 * }</pre>
 *
 * <p>Durations accept {@code 250ms}, {@code 2s}, {@code 5m} or ISO-8601 ({@code PT2S}). Lettuce's own
 * URI parameters ({@code timeout}, {@code database}, {@code clientName}, {@code verifyPeer}) pass through
 * to the connection. {@link #toString()} masks credentials.
 *
 * <p>Immutable and thread-safe; validated once, when built, which is cheap: nothing connects to Redis until a
 * bus is opened.
 *
 * @since 0.1.0
 */
public final class RedisEventBusConfig {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:._{}-]{1,100}");
    private static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9:._-]{1,100}");

    private final URI redisUri;
    private final String streamKeyPrefix;
    private final long maxStreamLength;
    private final Duration blockTime;
    private final int batchSize;
    private final @Nullable String consumerName;
    private final Duration minIdleBeforeReclaim;
    private final int maxDeliveries;
    private final int handlerConcurrency;

    private RedisEventBusConfig(Builder b) {
        this.redisUri = b.redisUri;
        this.streamKeyPrefix = b.streamKeyPrefix;
        this.maxStreamLength = b.maxStreamLength;
        this.blockTime = b.blockTime;
        this.batchSize = b.batchSize;
        this.consumerName = b.consumerName;
        this.minIdleBeforeReclaim = b.minIdleBeforeReclaim;
        this.maxDeliveries = b.maxDeliveries;
        this.handlerConcurrency = b.handlerConcurrency;
    }

    /**
     * Starts a configuration for a Redis server, with every bus setting at its default.
     *
     * @param redisUri {@code redis://[user:password@]host[:port][/database]} or {@code rediss://...}; bus
     *                 parameters in its query are read as by {@link #fromUri(URI)}
     * @return a new builder
     * @throws IllegalArgumentException if the URI is not a redis or rediss URI, or a parameter is bad
     */
    public static Builder builder(URI redisUri) {
        return UriParameters.apply(redisUri, new Builder());
    }

    /**
     * Reads a configuration from a bus URI and its query parameters.
     *
     * @param uri the bus URI, for example {@code redis://localhost:6379?maxDeliveries=5}
     * @return the configuration
     * @throws IllegalArgumentException if the URI is not a redis or rediss URI, or a parameter is bad (the
     *                                  message names the parameter)
     */
    public static RedisEventBusConfig fromUri(URI uri) {
        return builder(uri).build();
    }

    /** @return the Redis connection URI, without the bus parameters (may hold credentials: never log it) */
    public URI redisUri() {
        return redisUri;
    }

    /** @return the prefix of every key the bus writes (default {@code platform:events:}) */
    public String streamKeyPrefix() {
        return streamKeyPrefix;
    }

    /** @return the key of the stream that holds every event: the prefix followed by {@code stream} */
    public String streamKey() {
        return streamKeyPrefix + "stream";
    }

    /**
     * @param subscriptionId a subscription id
     * @return the key of that subscription's dead-letter stream
     */
    public String deadLetterKey(String subscriptionId) {
        return streamKeyPrefix + "dead-letters:" + subscriptionId;
    }

    /** @return the approximate length the event stream is trimmed to on each publish ({@code XADD MAXLEN ~}) */
    public long maxStreamLength() {
        return maxStreamLength;
    }

    /** @return how long one {@code XREADGROUP} waits for new events (default 2 s) */
    public Duration blockTime() {
        return blockTime;
    }

    /** @return how many entries one read or reclaim takes at most (default 100) */
    public int batchSize() {
        return batchSize;
    }

    /**
     * @return the consumer name of this instance; when empty, a name made of the service name, host name and
     *         process id is used. Set it to a stable name (a pod name) so that a restarted instance resumes its
     *         own pending events at once instead of waiting for them to be reclaimed.
     */
    public Optional<String> consumerName() {
        return Optional.ofNullable(consumerName);
    }

    /**
     * @return how long an entry must have been pending on a consumer before another consumer reclaims it
     *         ({@code XAUTOCLAIM}); longer than every subscription's handler timeout (default 60 s)
     */
    public Duration minIdleBeforeReclaim() {
        return minIdleBeforeReclaim;
    }

    /**
     * @return how often an entry may be delivered (read or reclaimed) before it is dead-lettered without
     *         calling the handler again; protects against events that crash their consumer (default 10)
     */
    public int maxDeliveries() {
        return maxDeliveries;
    }

    /**
     * @return the least handler concurrency of every subscription on this bus: a subscription asking for
     *         more gets more (default 1)
     */
    public int handlerConcurrency() {
        return handlerConcurrency;
    }

    /** @return a builder holding this configuration's values */
    public Builder mutate() {
        Builder b = new Builder();
        b.redisUri = redisUri;
        b.streamKeyPrefix = streamKeyPrefix;
        b.maxStreamLength = maxStreamLength;
        b.blockTime = blockTime;
        b.batchSize = batchSize;
        b.consumerName = consumerName;
        b.minIdleBeforeReclaim = minIdleBeforeReclaim;
        b.maxDeliveries = maxDeliveries;
        b.handlerConcurrency = handlerConcurrency;
        return b;
    }

    /** Shows every setting; the password in the Redis URI is masked. */
    @Override
    public String toString() {
        return "RedisEventBusConfig{redisUri=" + UriParameters.mask(redisUri) + ", streamKeyPrefix=" + streamKeyPrefix
                + ", maxStreamLength=" + maxStreamLength + ", blockTime=" + blockTime + ", batchSize=" + batchSize
                + (consumerName == null ? "" : ", consumerName=" + consumerName)
                + ", minIdleBeforeReclaim=" + minIdleBeforeReclaim + ", maxDeliveries=" + maxDeliveries
                + ", handlerConcurrency=" + handlerConcurrency + '}';
    }

    /** Builds a {@link RedisEventBusConfig}. Each setter validates its value. Not thread-safe. */
    public static final class Builder {
        private URI redisUri = URI.create("redis://localhost:6379");
        private String streamKeyPrefix = "platform:events:";
        private long maxStreamLength = 1_000_000;
        private Duration blockTime = Duration.ofSeconds(2);
        private int batchSize = 100;
        private @Nullable String consumerName;
        private Duration minIdleBeforeReclaim = Duration.ofSeconds(60);
        private int maxDeliveries = 10;
        private int handlerConcurrency = 1;

        private Builder() {}

        /**
         * Sets the Redis connection URI. Used by the URI parser; bus parameters must already be removed.
         *
         * @param redisUri a {@code redis://} or {@code rediss://} URI
         * @return this builder
         * @throws IllegalArgumentException for another scheme or a missing host
         */
        public Builder redisUri(URI redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            String scheme =
                    redisUri.getScheme() == null ? "" : redisUri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException(
                        "redis URI must start with redis:// or rediss:// (was '" + UriParameters.mask(redisUri) + "')");
            }
            if (redisUri.getHost() == null || redisUri.getHost().isEmpty()) {
                throw new IllegalArgumentException("redis URI must name a host, as in redis://localhost:6379 (was '"
                        + UriParameters.mask(redisUri) + "')");
            }
            this.redisUri = redisUri;
            return this;
        }

        /**
         * @param streamKeyPrefix prefix of every key, 1 to 100 of {@code A-Z a-z 0-9 : . _ - { }}
         * @return this builder
         */
        public Builder streamKeyPrefix(String streamKeyPrefix) {
            if (streamKeyPrefix == null || !PREFIX.matcher(streamKeyPrefix).matches()) {
                throw new IllegalArgumentException(
                        "streamKeyPrefix must match [A-Za-z0-9:._{}-]{1,100} (was '" + streamKeyPrefix + "')");
            }
            this.streamKeyPrefix = streamKeyPrefix;
            return this;
        }

        /**
         * @param maxStreamLength approximate stream length kept, at least 1000
         * @return this builder
         */
        public Builder maxStreamLength(long maxStreamLength) {
            if (maxStreamLength < 1000) {
                throw new IllegalArgumentException("maxStreamLength must be >= 1000 (was " + maxStreamLength + ")");
            }
            this.maxStreamLength = maxStreamLength;
            return this;
        }

        /**
         * @param blockTime how long a read waits for new events, 10 ms to 60 s
         * @return this builder
         */
        public Builder blockTime(Duration blockTime) {
            this.blockTime = between("blockTime", blockTime, Duration.ofMillis(10), Duration.ofSeconds(60));
            return this;
        }

        /**
         * @param batchSize entries per read, 1 to 10000
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000 (was " + batchSize + ")");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param consumerName this instance's consumer name, 1 to 100 of {@code A-Z a-z 0-9 : . _ -}, or null
         *                     for a generated one
         * @return this builder
         */
        public Builder consumerName(@Nullable String consumerName) {
            if (consumerName != null && !CONSUMER.matcher(consumerName).matches()) {
                throw new IllegalArgumentException(
                        "consumerName must match [A-Za-z0-9:._-]{1,100} (was '" + consumerName + "')");
            }
            this.consumerName = consumerName;
            return this;
        }

        /**
         * @param minIdleBeforeReclaim how long an entry stays pending on a consumer before others reclaim it,
         *                             100 ms to 1 day
         * @return this builder
         */
        public Builder minIdleBeforeReclaim(Duration minIdleBeforeReclaim) {
            this.minIdleBeforeReclaim =
                    between("minIdleBeforeReclaim", minIdleBeforeReclaim, Duration.ofMillis(100), Duration.ofDays(1));
            return this;
        }

        /**
         * @param maxDeliveries deliveries of one entry before it is dead-lettered, 1 to 1000
         * @return this builder
         */
        public Builder maxDeliveries(int maxDeliveries) {
            if (maxDeliveries < 1 || maxDeliveries > 1000) {
                throw new IllegalArgumentException(
                        "maxDeliveries must be between 1 and 1000 (was " + maxDeliveries + ")");
            }
            this.maxDeliveries = maxDeliveries;
            return this;
        }

        /**
         * @param handlerConcurrency least handler concurrency per subscription, 1 to 256
         * @return this builder
         */
        public Builder handlerConcurrency(int handlerConcurrency) {
            if (handlerConcurrency < 1 || handlerConcurrency > 256) {
                throw new IllegalArgumentException(
                        "handlerConcurrency must be between 1 and 256 (was " + handlerConcurrency + ")");
            }
            this.handlerConcurrency = handlerConcurrency;
            return this;
        }

        /** @return the validated configuration */
        public RedisEventBusConfig build() {
            return new RedisEventBusConfig(this);
        }

        private static Duration between(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        name + " must be between " + min + " and " + max + " (was " + value + ")");
            }
            return value;
        }
    }
}
