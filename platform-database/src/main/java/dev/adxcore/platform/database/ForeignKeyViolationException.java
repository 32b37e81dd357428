package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A write violated a foreign key (SQLSTATE 23503): it references a missing row, or a row it deletes is still referenced.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class ForeignKeyViolationException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public ForeignKeyViolationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
