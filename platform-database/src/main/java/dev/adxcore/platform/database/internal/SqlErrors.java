package dev.adxcore.platform.database.internal;

import dev.adxcore.platform.database.DatabaseException;
import dev.adxcore.platform.database.DatabaseUnavailableException;
import dev.adxcore.platform.database.DuplicateKeyException;
import dev.adxcore.platform.database.ForeignKeyViolationException;
import dev.adxcore.platform.database.TenantIsolationException;
import dev.adxcore.platform.database.TenantNotSetException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Maps {@link SQLException}s to the platform's unchecked exceptions; never puts row values in messages.
 * Thread-safe (stateless); a mapping costs a few SQLSTATE comparisons and one allocation.
 */
public final class SqlErrors {

    private SqlErrors() {}

    /**
     * Whether the failure means the server or connection is gone (as opposed to a bad statement).
     *
     * @param e the failure
     * @return true for connection failures, pool timeouts and administrator shutdowns
     */
    public static boolean isConnectionFailure(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    /**
     * Whether a read that failed on a replica should be retried on the primary: the replica is gone,
     * or the query was cancelled by a recovery conflict ({@code 40001} on a hot standby).
     *
     * @param e the failure on the replica
     * @return true to retry on the primary
     */
    public static boolean isReplicaFailure(SQLException e) {
        return isConnectionFailure(e)
                || "40001".equals(e.getSQLState())
                        && e.getMessage() != null
                        && e.getMessage().contains("conflict with recovery");
    }

    /**
     * Maps a failure to the platform exception a caller can act on.
     *
     * @param e the failure
     * @param tenantId the unit's tenant, or null
     * @param target the pool that ran the statement
     * @return the exception to throw, carrying {@code e} as its cause
     */
    public static DatabaseException map(SQLException e, @Nullable UUID tenantId, String target) {
        String state = e.getSQLState();
        String constraint = null;
        String table = null;
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            constraint = m.getConstraint();
            table = m.getTable();
        }
        String where = (table == null ? "" : " on table " + table)
                + (constraint == null ? "" : " (constraint " + constraint + ")");
        if ("23505".equals(state)) {
            return new DuplicateKeyException("duplicate key" + where + ": a row with the same key already exists", e);
        }
        if ("23503".equals(state)) {
            return new ForeignKeyViolationException(
                    "foreign key violation" + where
                            + ": the referenced row does not exist, or the row is still referenced",
                    e);
        }
        if ("42501".equals(state) && e.getMessage() != null && e.getMessage().contains("row-level security")) {
            if (tenantId == null) {
                return new TenantNotSetException(
                        "row-level security refused the write because no tenant is set "
                                + "for this unit of work; run it with DatabaseManager.inTransaction(tenantId, ...)",
                        e);
            }
            return new TenantIsolationException(
                    "row-level security refused the write" + where + ": the row does not belong to the unit's tenant",
                    e);
        }
        if (isConnectionFailure(e)) {
            return new DatabaseUnavailableException(target + " is unavailable: " + e.getMessage(), e);
        }
        return new DatabaseException("SQL error " + state + " on " + target + ": " + e.getMessage(), e);
    }
}
