package dev.adxcore.platform.events.internal;

import com.google.auto.service.AutoService;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBusProvider;
import java.net.URI;
import java.util.Objects;

/**
 * Provides {@link InMemoryEventBus} for {@code memory:} URIs, for example
 * {@code memory:?capacity=10000&whenFull=fail} (parameters in {@link MemoryBusConfig}). Found through
 * {@link java.util.ServiceLoader}. Internal: use {@code EventBuses.open("memory:")}. Thread-safe (stateless);
 * creating a bus is expensive (it starts the bus's engine threads).
 */
@AutoService(EventBusProvider.class)
public final class InMemoryEventBusProvider implements EventBusProvider {

    /** Needed by {@link java.util.ServiceLoader}. */
    public InMemoryEventBusProvider() {}

    @Override
    public boolean supports(URI uri) {
        return "memory".equalsIgnoreCase(Objects.requireNonNull(uri, "uri").getScheme());
    }

    @Override
    public EventBus create(URI uri, EventBusOptions options) {
        return new InMemoryEventBus(options, MemoryBusConfig.parse(uri));
    }
}
