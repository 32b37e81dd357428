package dev.adxcore.platform.events;

/**
 * Handles one event delivered to a subscription.
 *
 * <p>Return normally to acknowledge the event. Throw {@link NonRetryableEventException} to send it
 * to the dead letters at once; throw anything else to have it retried with backoff per the
 * subscription's {@link RetryPolicy} and dead-lettered when attempts run out. A handler that runs past
 * the subscription's handler timeout counts as a failed attempt (its thread is interrupted).
 *
 * <p>Delivery is at least once: a handler may see the same event (same {@link Event#id()}) again after a
 * crash or timeout, so handlers should be idempotent. Handlers of one subscription may run concurrently
 * for different aggregates; events of one aggregate are delivered to a subscription in order.
 *
 * <p>Called on the bus's handler threads: an implementation must be thread-safe when the subscription's
 * concurrency is above 1, or when several consumers share it. A slow handler costs throughput: each call holds
 * one of the subscription's concurrency slots for as long as it runs.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles the event.
     *
     * @param event the delivered event
     * @throws Exception to signal a failure (see the class description for retry rules)
     */
    void handle(Event event) throws Exception;
}
