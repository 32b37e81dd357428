package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * An update carried a stale version: the row exists but was changed by someone else since it was read.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class OptimisticLockException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public OptimisticLockException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
