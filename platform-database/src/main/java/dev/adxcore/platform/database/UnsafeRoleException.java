package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The start-up safety check refused the application role because row-level security would not apply to it (superuser, BYPASSRLS, owner of a tenant table without FORCE ROW LEVEL SECURITY, or a tenant table without row-level security).
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class UnsafeRoleException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public UnsafeRoleException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
