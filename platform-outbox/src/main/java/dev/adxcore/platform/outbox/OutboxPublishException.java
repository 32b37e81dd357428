package dev.adxcore.platform.outbox;

import dev.adxcore.platform.events.EventException;

/**
 * A relay batch could not be published (the bus is down, or did not confirm within the publish timeout). The
 * events stay pending and the relay retries them in order; nothing is lost. Immutable once thrown.
 *
 * @since 0.1.0
 */
public class OutboxPublishException extends EventException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the bus's failure
     */
    public OutboxPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
