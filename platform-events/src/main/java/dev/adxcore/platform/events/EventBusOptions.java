package dev.adxcore.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Transport-independent settings of an {@link EventBus}; transport-specific settings come from the bus
 * URI's query parameters or the provider's own builder.
 *
 * <p>Immutable and thread-safe; cheap to build: {@code build()} validates every field (no I/O).
 *
 * @since 0.1.0
 */
public final class EventBusOptions {

    private final MeterRegistry meterRegistry;
    private final int maxEventBytes;
    private final Duration publishTimeout;
    private final Duration closeTimeout;
    private final @Nullable String serviceName;

    private EventBusOptions(Builder b) {
        this.meterRegistry = b.meterRegistry;
        this.maxEventBytes = b.maxEventBytes;
        this.publishTimeout = b.publishTimeout;
        this.closeTimeout = b.closeTimeout;
        this.serviceName = b.serviceName;
    }

    /** @return options with every default */
    public static EventBusOptions defaults() {
        return builder().build();
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where the bus registers its meters (default: Micrometer's global registry) */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** @return the largest accepted event, in bytes of its CloudEvents JSON form (default 1 MiB) */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** @return how long a publish may take before it fails (default 5 s) */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** @return how long {@link EventBus#close()} waits for in-flight deliveries (default 10 s) */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** @return the service's name, used as consumer name prefix and default event source */
    public Optional<String> serviceName() {
        return Optional.ofNullable(serviceName);
    }

    /** Builds {@link EventBusOptions}. Not thread-safe. */
    public static final class Builder {
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private int maxEventBytes = 1024 * 1024;
        private Duration publishTimeout = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private @Nullable String serviceName;

        private Builder() {}

        /**
         * @param meterRegistry where meters go
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * @param maxEventBytes the largest accepted event in bytes, 1 KiB to 64 MiB
         * @return this builder
         */
        public Builder maxEventBytes(int maxEventBytes) {
            if (maxEventBytes < 1024 || maxEventBytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException(
                        "maxEventBytes must be between 1024 and 67108864 (was " + maxEventBytes + ")");
            }
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        /**
         * @param publishTimeout how long a publish may take, positive
         * @return this builder
         */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = positive("publishTimeout", publishTimeout);
            return this;
        }

        /**
         * @param closeTimeout how long close waits for in-flight deliveries, not negative
         * @return this builder
         */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative (was " + closeTimeout + ")");
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * @param serviceName the service's name, or null
         * @return this builder
         */
        public Builder serviceName(@Nullable String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** @return the options */
        public EventBusOptions build() {
            return new EventBusOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive (was " + d + ")");
            }
            return d;
        }
    }
}
