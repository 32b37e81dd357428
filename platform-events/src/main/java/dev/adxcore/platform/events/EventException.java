package dev.adxcore.platform.events;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the unchecked exceptions thrown by the event API. Immutable once thrown.
 *
 * @since 0.1.0
 */
public class EventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and, where possible, how to fix it
     */
    public EventException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public EventException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
