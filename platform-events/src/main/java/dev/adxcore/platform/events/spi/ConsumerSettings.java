package dev.adxcore.platform.events.spi;

import java.util.Objects;

/**
 * How the engine runs one consumer: how many handler calls at once, how many records in flight, and the name
 * its fetch thread carries. Immutable and thread-safe; cheap to build (it only checks the numbers).
 *
 * @since 0.1.0
 */
public final class ConsumerSettings {

    private final int concurrency;
    private final int maxInFlight;
    private final String threadName;

    private ConsumerSettings(Builder b) {
        this.concurrency = b.concurrency;
        this.maxInFlight = b.maxInFlight;
        this.threadName = b.threadName;
    }

    /**
     * @param threadName the fetch thread's name, for example {@code kafka-events-orders-fetch}
     * @return a builder with concurrency 1 and 256 records in flight
     */
    public static Builder builder(String threadName) {
        return new Builder(threadName);
    }

    /** @return handler calls that may run at once (events of one aggregate never run concurrently) */
    public int concurrency() {
        return concurrency;
    }

    /** @return records fetched and not yet completed, at most (queued, running or waiting for a retry) */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return the fetch thread's name */
    public String threadName() {
        return threadName;
    }

    @Override
    public String toString() {
        return "ConsumerSettings{concurrency=" + concurrency + ", maxInFlight=" + maxInFlight + ", threadName="
                + threadName + '}';
    }

    /** Builds {@link ConsumerSettings}. Not thread-safe. */
    public static final class Builder {
        private final String threadName;
        private int concurrency = 1;
        private int maxInFlight = 256;

        private Builder(String threadName) {
            this.threadName = Objects.requireNonNull(threadName, "threadName");
        }

        /**
         * @param concurrency handler calls at once, 1 to 256
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be between 1 and 256 (was " + concurrency + ")");
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * @param maxInFlight records in flight, 1 to 1,000,000
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1 || maxInFlight > 1_000_000) {
                throw new IllegalArgumentException(
                        "maxInFlight must be between 1 and 1000000 (was " + maxInFlight + ")");
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** @return the settings */
        public ConsumerSettings build() {
            return new ConsumerSettings(this);
        }
    }
}
