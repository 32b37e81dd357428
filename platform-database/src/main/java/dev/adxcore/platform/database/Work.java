package dev.adxcore.platform.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work run by {@link DatabaseManager} with a {@link Handle} whose tenant is already set.
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
