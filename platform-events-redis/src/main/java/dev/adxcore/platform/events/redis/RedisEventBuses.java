package dev.adxcore.platform.events.redis;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventException;
import dev.adxcore.platform.events.redis.internal.RedisStreamsEventBus;
import java.util.Objects;

/**
 * Opens Redis Streams event buses from code. Services that configure the bus by URI do not need this
 * class: {@code EventBuses.open(URI.create("redis://..."))} or {@code PLATFORM_EVENTS_URL=redis://...}
 * with {@code EventBuses.fromEnvironment()} find this transport through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * RedisEventBusConfig config = RedisEventBusConfig.builder(URI.create("redis://localhost:6379"))
 *         .streamKeyPrefix("orders:events:")
 *         .maxDeliveries(5)
 *         .build();
 * try (EventBus bus = RedisEventBuses.open(config, EventBusOptions.builder().serviceName("orders").build())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe (stateless). A bus is an expensive resource: it holds one Redis client (with its event-loop
 * threads), one connection for publishing and acknowledging, one for batch publishing and one per subscription
 * (a blocking reader), plus the delivery engine's threads: create one bus per service, share it and close it.
 *
 * @since 0.1.0
 */
public final class RedisEventBuses {

    private RedisEventBuses() {}

    /**
     * Opens a bus with default transport-independent options.
     *
     * @param config the Redis settings
     * @return a started bus; close it when the service stops
     * @throws EventException if Redis cannot be reached
     */
    public static EventBus open(RedisEventBusConfig config) {
        return open(config, EventBusOptions.defaults());
    }

    /**
     * Opens a bus.
     *
     * @param config the Redis settings
     * @param options transport-independent settings (meter registry, publish timeout, size limit, service name)
     * @return a started bus; close it when the service stops
     * @throws EventException if Redis cannot be reached
     */
    public static EventBus open(RedisEventBusConfig config, EventBusOptions options) {
        return RedisStreamsEventBus.start(
                Objects.requireNonNull(config, "config"), Objects.requireNonNull(options, "options"));
    }
}
