package dev.adxcore.platform.events;

import java.net.URI;

/**
 * The SPI through which a transport plugs in: found with {@link java.util.ServiceLoader} (register with
 * {@code @AutoService(EventBusProvider.class)}) and picked by {@link EventBuses#open(URI)} by URI scheme.
 *
 * <p>A provider must be stateless and cheap to instantiate (it has a public no-argument constructor); the
 * bus it creates must meet the contract described on {@link EventBus}. Providers read their own settings
 * from the URI's query parameters and must mask credentials in anything they log.
 *
 * @since 0.1.0
 */
public interface EventBusProvider {

    /**
     * @param uri the bus URI, for example {@code memory:} or {@code redis://host:6379}
     * @return whether this provider creates buses for the URI (normally: by scheme)
     */
    boolean supports(URI uri);

    /**
     * Creates and starts a bus.
     *
     * @param uri the bus URI
     * @param options transport-independent settings
     * @return a started bus; the caller closes it
     * @throws IllegalArgumentException for a malformed URI or bad parameters, naming the parameter
     */
    EventBus create(URI uri, EventBusOptions options);
}
