package dev.adxcore.platform.events.kafka.internal;

import com.google.auto.service.AutoService;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBusProvider;
import dev.adxcore.platform.events.kafka.KafkaEventBusConfig;
import java.net.URI;

/**
 * Creates Kafka buses for {@code kafka://} URIs. Stateless; found through {@link java.util.ServiceLoader}.
 * Creating a bus is expensive (a producer, an admin client, threads and broker connections).
 */
@AutoService(EventBusProvider.class)
public final class KafkaEventBusProvider implements EventBusProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public KafkaEventBusProvider() {}

    @Override
    public boolean supports(URI uri) {
        return "kafka".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public EventBus create(URI uri, EventBusOptions options) {
        return KafkaEventBus.start(KafkaEventBusConfig.fromUri(uri), options);
    }
}
