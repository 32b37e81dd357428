package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The server needed by the work could not be reached: no connection within the acquire timeout, or the connection broke. Writes fail fast with this when the primary is down; replica outages never surface as this exception because reads fall back to the primary.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class DatabaseUnavailableException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public DatabaseUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
