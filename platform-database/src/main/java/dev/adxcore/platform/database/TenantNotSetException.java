package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Tenant-scoped work ran without a tenant: row-level security refused the write or the operation needs a tenant.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class TenantNotSetException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public TenantNotSetException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
