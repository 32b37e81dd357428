package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The row to update or delete does not exist for the unit's tenant (rows of other tenants are invisible and count as missing).
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class NotFoundException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public NotFoundException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
