package dev.adxcore.platform.events;

/**
 * A live subscription returned by {@link EventBus#subscribe(EventSubscription)}. Closing it stops
 * delivery to this consumer (in-flight handler calls finish); other consumers of the same subscription id
 * are unaffected.
 *
 * @since 0.1.0
 */
public interface Subscription extends AutoCloseable {

    /** @return the subscription id (the consumer group) */
    String id();

    /** @return true until closed, or until the bus is closed */
    boolean isActive();

    /** Stops delivery to this consumer. Idempotent; never throws. */
    @Override
    void close();
}
