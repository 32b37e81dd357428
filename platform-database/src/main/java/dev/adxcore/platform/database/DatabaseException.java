package dev.adxcore.platform.database;

import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Base of the unchecked exceptions thrown by {@link DatabaseManager} units of work and repositories.
 * SQL errors are mapped to the specific subclasses ({@link DuplicateKeyException},
 * {@link ForeignKeyViolationException}, {@link NotFoundException}, {@link OptimisticLockException},
 * {@link TenantNotSetException}, {@link TenantIsolationException}, {@link DatabaseUnavailableException});
 * other SQL errors surface as this class, always with the original {@link SQLException} as the cause.
 * Immutable once thrown.
 *
 * @since 0.1.0
 */
public class DatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do about it
     * @param cause the underlying failure, usually an {@link SQLException}, or {@code null}
     */
    public DatabaseException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * The SQLSTATE of the underlying {@link SQLException}, if there is one.
     *
     * @return the five-character SQLSTATE, or empty
     */
    public Optional<String> sqlState() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }
}
