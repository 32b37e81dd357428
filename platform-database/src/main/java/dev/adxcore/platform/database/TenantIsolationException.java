package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Row-level security refused a write whose row does not belong to the unit's tenant (SQLSTATE 42501).
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class TenantIsolationException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public TenantIsolationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
