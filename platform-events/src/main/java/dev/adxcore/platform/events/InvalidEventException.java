package dev.adxcore.platform.events;

/**
 * An event (or its JSON form) breaks the envelope's rules: a bad type, malformed JSON data, a payload
 * over the bus's size limit, a bad extension. Thrown when building, publishing or parsing; never retried.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class InvalidEventException extends EventException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which rule was broken and by what value
     */
    public InvalidEventException(String message) {
        super(message);
    }

    /**
     * @param message which rule was broken
     * @param cause the parse failure
     */
    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
