package dev.adxcore.platform.core;

/**
 * A request-context value (tenant, user, roles, correlation, causation, trace state or causal token) is
 * malformed. The message names the field or header and says what is expected; it shows the rejected value
 * only when that value is short printable ASCII, so hostile input never reaches a log raw.
 *
 * <p>Services answer it with {@code 400 Bad Request} at the edge. Immutable once thrown.
 *
 * @since 0.1.0
 */
public final class InvalidContextException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what is expected
     * @since 0.1.0
     */
    public InvalidContextException(String message) {
        super(message);
    }
}
