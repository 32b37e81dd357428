package dev.adxcore.platform.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.outbox.*}: the transactional outbox (platform-outbox). With a {@code DatabaseManager}, the
 * {@code Outbox} (record an event in the write's own unit of work) and the {@code Inbox} (consume an event
 * once) are auto-configured; setting {@code platform.outbox.relay.username} also starts an {@code OutboxRelay},
 * on its own pool connected as that relay role, publishing committed events to the application's
 * {@code EventBus}. Durations use the SDK's one grammar ({@code 500ms}, {@code 5s}, {@code PT5S}; a bare
 * number is refused). Unset values keep the SDK's defaults ({@code OutboxRelayConfig}).
 *
 * <p>A mutable bean that Spring binds once at start-up; not for use from several threads. Cheap: binding it
 * connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.outbox")
public class PlatformOutboxProperties {

    /** Whether to auto-configure the outbox, the inbox and the relay when platform-outbox is on the classpath. */
    private boolean enabled = true;
    /** The relay: publishes committed outbox rows to the event bus. */
    private final Relay relay = new Relay();

    /** Creates the properties with the defaults. */
    public PlatformOutboxProperties() {}

    /** @return whether the outbox is auto-configured */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the outbox is auto-configured */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the relay's properties */
    public Relay getRelay() {
        return relay;
    }

    /**
     * {@code platform.outbox.relay.*}: the relay's role, pool and {@code OutboxRelayConfig} settings.
     *
     * @since 0.1.0
     */
    public static class Relay {

        /** Name of the relay: thread names, the relay meter tag and the health check outbox.&lt;name&gt;; [a-z0-9._-]+. Default: outbox. */
        private @Nullable String name;
        /** The relay role (named in the outbox's relay_access policy; not a member of the application role, nor it of this one). Setting it starts the relay. */
        private @Nullable String username;
        /** The relay role's password. Default: platform.database.password. */
        private @Nullable String password;
        /** Connections of the relay's own pool to the primary; at least workers + 2 (listener, maintenance). Default: workers + 2. */
        private @Nullable Integer maxConnections;
        /** Events per relay transaction. Default: 256. */
        private @Nullable Integer batchSize;
        /** Partitions (of 64) one relay transaction locks; lower lets more instances share. Default: 16. */
        private @Nullable Integer partitionsPerBatch;
        /** Relay threads of this instance. Default: 1. */
        private @Nullable Integer workers;
        /** Polling fallback when no commit notification arrives, such as 1s. */
        private @Nullable String pollInterval;
        /** Whether to LISTEN for commits (one pooled connection) instead of waiting for the poll. Default: true. */
        private @Nullable Boolean listen;
        /** How long the bus may take to confirm a batch before it is retried, such as 10s. */
        private @Nullable String publishTimeout;
        /** First wait after a failed batch, such as 100ms; doubles up to max-backoff. */
        private @Nullable String minBackoff;
        /** Longest wait between retries, such as 5s. */
        private @Nullable String maxBackoff;
        /** Park an event after this many transient failures; 0 never (the default: an outage must not break order). */
        private @Nullable Integer maxAttempts;
        /** How long published rows stay, such as 1h; 0s deletes them when published. */
        private @Nullable String publishedRetention;
        /** How long inbox entries stay, such as 7d; 0s keeps them forever. Keep it far above the bus's redelivery horizon. */
        private @Nullable String inboxRetention;
        /** How often retention runs, such as 30s. */
        private @Nullable String purgeInterval;
        /** Rows deleted per retention transaction. Default: 1000. */
        private @Nullable Integer purgeBatchSize;
        /** How often the pending/parked gauges are refreshed, such as 5s. */
        private @Nullable String statsInterval;
        /** Age of the oldest pending event past which the relay's health is DEGRADED, such as 1m. */
        private @Nullable String maxPendingAge;

        /** Creates the properties with nothing set. */
        public Relay() {}

        /** @return the name as written, or null for the default */
        public @Nullable String getName() {
            return name;
        }

        /** @param name the name */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** @return the username as written, or null for the default */
        public @Nullable String getUsername() {
            return username;
        }

        /** @param username the username */
        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        /** @return the password as written, or null for the default */
        public @Nullable String getPassword() {
            return password;
        }

        /** @param password the password */
        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        /** @return the maxConnections as written, or null for the default */
        public @Nullable Integer getMaxConnections() {
            return maxConnections;
        }

        /** @param maxConnections the maxConnections */
        public void setMaxConnections(@Nullable Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        /** @return the batchSize as written, or null for the default */
        public @Nullable Integer getBatchSize() {
            return batchSize;
        }

        /** @param batchSize the batchSize */
        public void setBatchSize(@Nullable Integer batchSize) {
            this.batchSize = batchSize;
        }

        /** @return the partitionsPerBatch as written, or null for the default */
        public @Nullable Integer getPartitionsPerBatch() {
            return partitionsPerBatch;
        }

        /** @param partitionsPerBatch the partitionsPerBatch */
        public void setPartitionsPerBatch(@Nullable Integer partitionsPerBatch) {
            this.partitionsPerBatch = partitionsPerBatch;
        }

        /** @return the workers as written, or null for the default */
        public @Nullable Integer getWorkers() {
            return workers;
        }

        /** @param workers the workers */
        public void setWorkers(@Nullable Integer workers) {
            this.workers = workers;
        }

        /** @return the pollInterval as written, or null for the default */
        public @Nullable String getPollInterval() {
            return pollInterval;
        }

        /** @param pollInterval the pollInterval */
        public void setPollInterval(@Nullable String pollInterval) {
            this.pollInterval = pollInterval;
        }

        /** @return the listen as written, or null for the default */
        public @Nullable Boolean getListen() {
            return listen;
        }

        /** @param listen the listen */
        public void setListen(@Nullable Boolean listen) {
            this.listen = listen;
        }

        /** @return the publishTimeout as written, or null for the default */
        public @Nullable String getPublishTimeout() {
            return publishTimeout;
        }

        /** @param publishTimeout the publishTimeout */
        public void setPublishTimeout(@Nullable String publishTimeout) {
            this.publishTimeout = publishTimeout;
        }

        /** @return the minBackoff as written, or null for the default */
        public @Nullable String getMinBackoff() {
            return minBackoff;
        }

        /** @param minBackoff the minBackoff */
        public void setMinBackoff(@Nullable String minBackoff) {
            this.minBackoff = minBackoff;
        }

        /** @return the maxBackoff as written, or null for the default */
        public @Nullable String getMaxBackoff() {
            return maxBackoff;
        }

        /** @param maxBackoff the maxBackoff */
        public void setMaxBackoff(@Nullable String maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        /** @return the maxAttempts as written, or null for the default */
        public @Nullable Integer getMaxAttempts() {
            return maxAttempts;
        }

        /** @param maxAttempts the maxAttempts */
        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** @return the publishedRetention as written, or null for the default */
        public @Nullable String getPublishedRetention() {
            return publishedRetention;
        }

        /** @param publishedRetention the publishedRetention */
        public void setPublishedRetention(@Nullable String publishedRetention) {
            this.publishedRetention = publishedRetention;
        }

        /** @return the inboxRetention as written, or null for the default */
        public @Nullable String getInboxRetention() {
            return inboxRetention;
        }

        /** @param inboxRetention the inboxRetention */
        public void setInboxRetention(@Nullable String inboxRetention) {
            this.inboxRetention = inboxRetention;
        }

        /** @return the purgeInterval as written, or null for the default */
        public @Nullable String getPurgeInterval() {
            return purgeInterval;
        }

        /** @param purgeInterval the purgeInterval */
        public void setPurgeInterval(@Nullable String purgeInterval) {
            this.purgeInterval = purgeInterval;
        }

        /** @return the purgeBatchSize as written, or null for the default */
        public @Nullable Integer getPurgeBatchSize() {
            return purgeBatchSize;
        }

        /** @param purgeBatchSize the purgeBatchSize */
        public void setPurgeBatchSize(@Nullable Integer purgeBatchSize) {
            this.purgeBatchSize = purgeBatchSize;
        }

        /** @return the statsInterval as written, or null for the default */
        public @Nullable String getStatsInterval() {
            return statsInterval;
        }

        /** @param statsInterval the statsInterval */
        public void setStatsInterval(@Nullable String statsInterval) {
            this.statsInterval = statsInterval;
        }

        /** @return the maxPendingAge as written, or null for the default */
        public @Nullable String getMaxPendingAge() {
            return maxPendingAge;
        }

        /** @param maxPendingAge the maxPendingAge */
        public void setMaxPendingAge(@Nullable String maxPendingAge) {
            this.maxPendingAge = maxPendingAge;
        }
    }
}
