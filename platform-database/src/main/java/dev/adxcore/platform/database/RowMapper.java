package dev.adxcore.platform.database;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a {@link ResultSet} to a value. Must not move the cursor.
 *
 * <p>Called once per row on the thread running the query, while the unit holds its connection: it should be
 * cheap, and thread-safe when it is shared (as in a {@code TableMapping}) by units on several threads.
 *
 * @param <T> the mapped type
 * @since 0.1.0
 */
@FunctionalInterface
public interface RowMapper<T> {

    /**
     * Maps the current row.
     *
     * @param row the result set, positioned on the row to map
     * @return the value
     * @throws SQLException when a column cannot be read
     */
    T map(ResultSet row) throws SQLException;
}
