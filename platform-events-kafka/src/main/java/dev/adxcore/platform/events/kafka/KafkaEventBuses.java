package dev.adxcore.platform.events.kafka;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventException;
import dev.adxcore.platform.events.kafka.internal.KafkaEventBus;
import java.util.Objects;

/**
 * Opens Kafka event buses from code. Services that configure the bus by URI do not need this class:
 * {@code EventBuses.open("kafka://...")} or {@code PLATFORM_EVENTS_URL=kafka://...} with
 * {@code EventBuses.fromEnvironment()} find this transport through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * KafkaEventBusConfig config = KafkaEventBusConfig.builder("broker-1:9092,broker-2:9092")
 *         .topic("orders.events").partitions(12).replicationFactor(3).build();
 * try (EventBus bus = KafkaEventBuses.open(config, EventBusOptions.builder().serviceName("orders").build())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe (stateless). A bus is an expensive resource: it holds broker connections, one idempotent
 * producer, one admin client, its delivery threads and one consumer (with its fetch thread) per
 * {@code subscribe} call: create one bus per service, share it and close it.
 *
 * @since 0.1.0
 */
public final class KafkaEventBuses {

    private KafkaEventBuses() {}

    /**
     * Opens a bus with default transport-independent options.
     *
     * @param config the Kafka settings
     * @return a started bus; close it when the service stops
     * @throws EventException when the brokers cannot be reached within the publish timeout, or the topic is missing
     *     and {@code createTopics} is false
     */
    public static EventBus open(KafkaEventBusConfig config) {
        return open(config, EventBusOptions.defaults());
    }

    /**
     * Opens a bus.
     *
     * @param config the Kafka settings
     * @param options transport-independent settings (meter registry, publish timeout, size limit, service name)
     * @return a started bus; close it when the service stops
     * @throws EventException when the brokers cannot be reached within the publish timeout, or the topic is missing
     *     and {@code createTopics} is false
     */
    public static EventBus open(KafkaEventBusConfig config, EventBusOptions options) {
        return KafkaEventBus.start(
                Objects.requireNonNull(config, "config"), Objects.requireNonNull(options, "options"));
    }
}
