package dev.adxcore.platform.events;

/**
 * A live subscription returned by {@link EventBus#subscribe(EventSubscription)}. Closing it stops
 * delivery to this consumer (in-flight handler calls finish); other consumers of the same subscription id
 * are unaffected. Thread-safe: any thread may close it. Each one costs a consumer of the bus (on the Redis and
 * Kafka buses, a fetch thread and its in-flight records), so close those you no longer need.
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
