package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work run by {@link DatabaseManager} with a {@link Handle} whose tenant is already set.
 *
 * <p>Called on the thread that started the unit, with the handle confined to that call: it need not be
 * thread-safe. It holds a pooled connection (and, for a read-write unit, a transaction) for as long as it runs,
 * so its cost to the pool is its duration: keep it short and do no remote calls inside it.
 *
 * @param <T> what the work returns
 * @since 0.1.0
 */
@FunctionalInterface
public interface Work<T extends @Nullable Object> {

    /**
     * Runs the work.
     *
     * @param handle the unit's handle; valid only until this method returns
     * @return the result, handed back to the caller
     * @throws SQLException any JDBC failure; the manager rolls back and maps it to a {@link DatabaseException}
     */
    T run(Handle handle) throws SQLException;
}
