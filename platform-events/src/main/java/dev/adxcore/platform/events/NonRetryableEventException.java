package dev.adxcore.platform.events;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by an {@link EventHandler} when retrying cannot help (the event is invalid for this consumer,
 * a business rule rejects it): the bus moves the event to the dead letters at once. Any other exception
 * from a handler is retried per the subscription's {@link RetryPolicy}. Immutable once thrown.
 *
 * @since 0.1.0
 */
public class NonRetryableEventException extends EventException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why the event cannot be handled
     */
    public NonRetryableEventException(String message) {
        super(message);
    }

    /**
     * @param message why the event cannot be handled
     * @param cause the underlying failure
     */
    public NonRetryableEventException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
