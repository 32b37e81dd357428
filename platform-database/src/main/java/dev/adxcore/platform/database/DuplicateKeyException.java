package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A write violated a unique constraint (SQLSTATE 23505): a row with the same key already exists.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class DuplicateKeyException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public DuplicateKeyException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
