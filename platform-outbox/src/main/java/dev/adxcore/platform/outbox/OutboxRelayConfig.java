package dev.adxcore.platform.outbox;

import dev.adxcore.platform.core.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link OutboxRelay}. Immutable and thread-safe, validated in {@link Builder#build()}, which is
 * cheap (no connection, no thread).
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>builder</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code name}</td><td>{@code PLATFORM_OUTBOX_NAME}</td><td>{@code outbox}</td></tr>
 *   <tr><td>{@code batchSize}</td><td>{@code PLATFORM_OUTBOX_BATCH_SIZE}</td><td>256</td></tr>
 *   <tr><td>{@code partitionsPerBatch}</td><td>{@code PLATFORM_OUTBOX_PARTITIONS_PER_BATCH}</td><td>16</td></tr>
 *   <tr><td>{@code workers}</td><td>{@code PLATFORM_OUTBOX_WORKERS}</td><td>1</td></tr>
 *   <tr><td>{@code pollInterval}</td><td>{@code PLATFORM_OUTBOX_POLL_INTERVAL}</td><td>1s</td></tr>
 *   <tr><td>{@code listen}</td><td>{@code PLATFORM_OUTBOX_LISTEN}</td><td>true</td></tr>
 *   <tr><td>{@code publishTimeout}</td><td>{@code PLATFORM_OUTBOX_PUBLISH_TIMEOUT}</td><td>10s</td></tr>
 *   <tr><td>{@code minBackoff} / {@code maxBackoff}</td><td>{@code PLATFORM_OUTBOX_MIN_BACKOFF} / {@code ..._MAX_BACKOFF}</td><td>100ms / 5s</td></tr>
 *   <tr><td>{@code maxAttempts}</td><td>{@code PLATFORM_OUTBOX_MAX_ATTEMPTS}</td><td>0 (never park for transient failures)</td></tr>
 *   <tr><td>{@code publishedRetention}</td><td>{@code PLATFORM_OUTBOX_PUBLISHED_RETENTION}</td><td>1h (0: delete at publish)</td></tr>
 *   <tr><td>{@code inboxRetention}</td><td>{@code PLATFORM_OUTBOX_INBOX_RETENTION}</td><td>7d (0: keep forever)</td></tr>
 *   <tr><td>{@code purgeInterval}</td><td>{@code PLATFORM_OUTBOX_PURGE_INTERVAL}</td><td>30s</td></tr>
 *   <tr><td>{@code purgeBatchSize}</td><td>{@code PLATFORM_OUTBOX_PURGE_BATCH_SIZE}</td><td>1000</td></tr>
 *   <tr><td>{@code statsInterval}</td><td>{@code PLATFORM_OUTBOX_STATS_INTERVAL}</td><td>5s</td></tr>
 *   <tr><td>{@code maxPendingAge}</td><td>{@code PLATFORM_OUTBOX_MAX_PENDING_AGE}</td><td>1m</td></tr>
 *   <tr><td>{@code meterRegistry}</td><td>—</td><td>{@code Metrics.globalRegistry}</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class OutboxRelayConfig {

    private final String name;
    private final int batchSize;
    private final int partitionsPerBatch;
    private final int workers;
    private final Duration pollInterval;
    private final boolean listen;
    private final Duration publishTimeout;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;
    private final Duration publishedRetention;
    private final Duration inboxRetention;
    private final Duration purgeInterval;
    private final int purgeBatchSize;
    private final Duration statsInterval;
    private final Duration maxPendingAge;
    private final MeterRegistry meterRegistry;

    private OutboxRelayConfig(Builder b) {
        this.name = b.name;
        this.batchSize = b.batchSize;
        this.partitionsPerBatch = b.partitionsPerBatch;
        this.workers = b.workers;
        this.pollInterval = b.pollInterval;
        this.listen = b.listen;
        this.publishTimeout = b.publishTimeout;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxAttempts = b.maxAttempts;
        this.publishedRetention = b.publishedRetention;
        this.inboxRetention = b.inboxRetention;
        this.purgeInterval = b.purgeInterval;
        this.purgeBatchSize = b.purgeBatchSize;
        this.statsInterval = b.statsInterval;
        this.maxPendingAge = b.maxPendingAge;
        this.meterRegistry = b.meterRegistry;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code PLATFORM_OUTBOX_*} from the environment (and the matching system properties) into a builder.
     *
     * @return a builder holding every setting found, to adjust before {@link Builder#build()}
     * @throws IllegalArgumentException when a value cannot be parsed; the message names the setting
     */
    public static Builder fromEnvironment() {
        return fromSettings(Settings.fromEnvironment());
    }

    /**
     * Reads {@code PLATFORM_OUTBOX_*} settings into a builder.
     *
     * @param s the settings
     * @return a builder holding every setting found
     * @throws IllegalArgumentException when a value cannot be parsed; the message names the setting
     */
    public static Builder fromSettings(Settings s) {
        Objects.requireNonNull(s, "settings");
        Builder b = builder();
        s.string("PLATFORM_OUTBOX_NAME").ifPresent(b::name);
        s.integer("PLATFORM_OUTBOX_BATCH_SIZE").ifPresent(b::batchSize);
        s.integer("PLATFORM_OUTBOX_PARTITIONS_PER_BATCH").ifPresent(b::partitionsPerBatch);
        s.integer("PLATFORM_OUTBOX_WORKERS").ifPresent(b::workers);
        s.duration("PLATFORM_OUTBOX_POLL_INTERVAL").ifPresent(b::pollInterval);
        s.bool("PLATFORM_OUTBOX_LISTEN").ifPresent(b::listen);
        s.duration("PLATFORM_OUTBOX_PUBLISH_TIMEOUT").ifPresent(b::publishTimeout);
        s.duration("PLATFORM_OUTBOX_MIN_BACKOFF").ifPresent(b::minBackoff);
        s.duration("PLATFORM_OUTBOX_MAX_BACKOFF").ifPresent(b::maxBackoff);
        s.integer("PLATFORM_OUTBOX_MAX_ATTEMPTS").ifPresent(b::maxAttempts);
        s.duration("PLATFORM_OUTBOX_PUBLISHED_RETENTION").ifPresent(b::publishedRetention);
        s.duration("PLATFORM_OUTBOX_INBOX_RETENTION").ifPresent(b::inboxRetention);
        s.duration("PLATFORM_OUTBOX_PURGE_INTERVAL").ifPresent(b::purgeInterval);
        s.integer("PLATFORM_OUTBOX_PURGE_BATCH_SIZE").ifPresent(b::purgeBatchSize);
        s.duration("PLATFORM_OUTBOX_STATS_INTERVAL").ifPresent(b::statsInterval);
        s.duration("PLATFORM_OUTBOX_MAX_PENDING_AGE").ifPresent(b::maxPendingAge);
        return b;
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        return builder()
                .name(name)
                .batchSize(batchSize)
                .partitionsPerBatch(partitionsPerBatch)
                .workers(workers)
                .pollInterval(pollInterval)
                .listen(listen)
                .publishTimeout(publishTimeout)
                .minBackoff(minBackoff)
                .maxBackoff(maxBackoff)
                .maxAttempts(maxAttempts)
                .publishedRetention(publishedRetention)
                .inboxRetention(inboxRetention)
                .purgeInterval(purgeInterval)
                .purgeBatchSize(purgeBatchSize)
                .statsInterval(statsInterval)
                .maxPendingAge(maxPendingAge)
                .meterRegistry(meterRegistry);
    }

    /** @return the relay's name: thread names, the {@code relay} meter tag and the health check {@code outbox.<name>} */
    public String name() {
        return name;
    }

    /** @return at most this many events are claimed, published and marked per transaction */
    public int batchSize() {
        return batchSize;
    }

    /** @return at most this many of the 64 partitions are locked per transaction, so that other relays get the rest */
    public int partitionsPerBatch() {
        return partitionsPerBatch;
    }

    /** @return relay threads of this instance (each competes for partitions like another instance) */
    public int workers() {
        return workers;
    }

    /** @return how often an idle relay looks for events without a notification (the fallback when LISTEN is off or lost) */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return whether the relay LISTENs for commits (one dedicated connection from the relay's pool) */
    public boolean isListen() {
        return listen;
    }

    /** @return how long a batch's publish may take before it counts as failed */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** @return the first wait after a failed publish or database error */
    public Duration minBackoff() {
        return minBackoff;
    }

    /** @return the longest wait between retries (doubling from {@link #minBackoff()}) */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return after this many failed publishes of one event it is parked; 0: transient failures never park */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return how long published rows are kept (then deleted in batches); zero deletes them when published */
    public Duration publishedRetention() {
        return publishedRetention;
    }

    /** @return how long inbox entries are kept (then deleted in batches by this relay); zero keeps them */
    public Duration inboxRetention() {
        return inboxRetention;
    }

    /** @return how often the retention purge runs */
    public Duration purgeInterval() {
        return purgeInterval;
    }

    /** @return rows deleted per purge transaction (short transactions, no long locks, no bloat burst) */
    public int purgeBatchSize() {
        return purgeBatchSize;
    }

    /** @return how often the pending / parked / oldest-age gauges are refreshed (one query) */
    public Duration statsInterval() {
        return statsInterval;
    }

    /** @return the health check turns DEGRADED when the oldest pending event is older than this */
    public Duration maxPendingAge() {
        return maxPendingAge;
    }

    /** @return where the relay's meters go */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public String toString() {
        return "OutboxRelayConfig{name=" + name + ", batchSize=" + batchSize + ", partitionsPerBatch="
                + partitionsPerBatch
                + ", workers=" + workers + ", pollInterval=" + Settings.formatDuration(pollInterval) + ", listen="
                + listen
                + ", publishTimeout=" + Settings.formatDuration(publishTimeout) + ", maxAttempts=" + maxAttempts
                + ", publishedRetention=" + Settings.formatDuration(publishedRetention)
                + ", inboxRetention=" + Settings.formatDuration(inboxRetention)
                + ", maxPendingAge=" + Settings.formatDuration(maxPendingAge) + '}';
    }

    /** Builder of {@link OutboxRelayConfig}. Not thread-safe; every setter returns this builder. */
    public static final class Builder {
        private String name = "outbox";
        private int batchSize = 256;
        private int partitionsPerBatch = 16;
        private int workers = 1;
        private Duration pollInterval = Duration.ofSeconds(1);
        private boolean listen = true;
        private Duration publishTimeout = Duration.ofSeconds(10);
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private int maxAttempts;
        private Duration publishedRetention = Duration.ofHours(1);
        private Duration inboxRetention = Duration.ofDays(7);
        private Duration purgeInterval = Duration.ofSeconds(30);
        private int purgeBatchSize = 1000;
        private Duration statsInterval = Duration.ofSeconds(5);
        private Duration maxPendingAge = Duration.ofMinutes(1);
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {}

        /** @param name the relay's name ({@code [a-z0-9._-]+}) @return this builder */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param batchSize events per transaction, 1 to 10000 @return this builder */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** @param partitionsPerBatch partitions locked per transaction, 1 to 64 @return this builder */
        public Builder partitionsPerBatch(int partitionsPerBatch) {
            this.partitionsPerBatch = partitionsPerBatch;
            return this;
        }

        /** @param workers relay threads, 1 to 64 @return this builder */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** @param pollInterval the polling fallback, at least 10ms @return this builder */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** @param listen whether to LISTEN for commits @return this builder */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        /** @param publishTimeout how long a publish may take, positive @return this builder */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = Objects.requireNonNull(publishTimeout, "publishTimeout");
            return this;
        }

        /** @param minBackoff first retry wait, positive @return this builder */
        public Builder minBackoff(Duration minBackoff) {
            this.minBackoff = Objects.requireNonNull(minBackoff, "minBackoff");
            return this;
        }

        /** @param maxBackoff longest retry wait, at least minBackoff @return this builder */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /** @param maxAttempts park after this many failed publishes; 0 never @return this builder */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** @param publishedRetention how long published rows stay; zero deletes at publish @return this builder */
        public Builder publishedRetention(Duration publishedRetention) {
            this.publishedRetention = Objects.requireNonNull(publishedRetention, "publishedRetention");
            return this;
        }

        /** @param inboxRetention how long inbox entries stay; zero keeps them @return this builder */
        public Builder inboxRetention(Duration inboxRetention) {
            this.inboxRetention = Objects.requireNonNull(inboxRetention, "inboxRetention");
            return this;
        }

        /** @param purgeInterval how often the purge runs, positive @return this builder */
        public Builder purgeInterval(Duration purgeInterval) {
            this.purgeInterval = Objects.requireNonNull(purgeInterval, "purgeInterval");
            return this;
        }

        /** @param purgeBatchSize rows per purge transaction, 1 to 100000 @return this builder */
        public Builder purgeBatchSize(int purgeBatchSize) {
            this.purgeBatchSize = purgeBatchSize;
            return this;
        }

        /** @param statsInterval how often the gauges are refreshed, positive @return this builder */
        public Builder statsInterval(Duration statsInterval) {
            this.statsInterval = Objects.requireNonNull(statsInterval, "statsInterval");
            return this;
        }

        /** @param maxPendingAge DEGRADED past this age of the oldest pending event, positive @return this builder */
        public Builder maxPendingAge(Duration maxPendingAge) {
            this.maxPendingAge = Objects.requireNonNull(maxPendingAge, "maxPendingAge");
            return this;
        }

        /** @param meterRegistry where meters go @return this builder */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the config
         * @throws IllegalArgumentException naming the first invalid setting, its value and the allowed range
         */
        public OutboxRelayConfig build() {
            if (!name.matches("[a-z0-9._-]+")) {
                throw new IllegalArgumentException("name must match [a-z0-9._-]+ (was '" + name + "')");
            }
            range("batchSize", batchSize, 1, 10_000);
            range("partitionsPerBatch", partitionsPerBatch, 1, 64);
            range("workers", workers, 1, 64);
            range("maxAttempts", maxAttempts, 0, 1_000_000);
            range("purgeBatchSize", purgeBatchSize, 1, 100_000);
            if (pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException(
                        "pollInterval must be >= 10ms (was " + Settings.formatDuration(pollInterval) + ")");
            }
            positive("publishTimeout", publishTimeout);
            positive("minBackoff", minBackoff);
            positive("purgeInterval", purgeInterval);
            positive("statsInterval", statsInterval);
            positive("maxPendingAge", maxPendingAge);
            if (maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must be >= minBackoff (was "
                        + Settings.formatDuration(maxBackoff) + " < " + Settings.formatDuration(minBackoff) + ")");
            }
            if (publishedRetention.isNegative()) {
                throw new IllegalArgumentException("publishedRetention must be >= 0 (was " + publishedRetention + ")");
            }
            if (inboxRetention.isNegative()) {
                throw new IllegalArgumentException("inboxRetention must be >= 0 (was " + inboxRetention + ")");
            }
            return new OutboxRelayConfig(this);
        }

        private static void range(String setting, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        setting + " must be between " + min + " and " + max + " (was " + value + ")");
            }
        }

        private static void positive(String setting, Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(setting + " must be positive (was " + value + ")");
            }
        }
    }
}
