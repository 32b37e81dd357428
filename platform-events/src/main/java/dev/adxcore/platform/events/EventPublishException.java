package dev.adxcore.platform.events;

import org.jspecify.annotations.Nullable;

/**
 * Publishing failed: the bus is closed or full, or the transport did not accept the event within its
 * timeout. The event was not (or not provably) stored; the caller may retry. Immutable once thrown.
 *
 * @since 0.1.0
 */
public class EventPublishException extends EventException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why the event was not published
     */
    public EventPublishException(String message) {
        super(message);
    }

    /**
     * @param message why the event was not published
     * @param cause the transport's failure
     */
    public EventPublishException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
