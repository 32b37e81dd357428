package dev.adxcore.platform.database;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a {@link ResultSet} to a value. Must not move the cursor.
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
