package dev.adxcore.platform.database.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections come from whatever the router picks at each call. Thread-safe if its
 * source is; each {@code getConnection} costs a borrow from the chosen pool.
 */
public final class RoutingDataSource implements DataSource {

    /** Picks and borrows a connection. */
    @FunctionalInterface
    public interface ConnectionSource {
        /**
         * Borrows a connection.
         *
         * @return the connection
         * @throws SQLException when no server gives one
         */
        Connection get() throws SQLException;
    }

    private final ConnectionSource source;
    private final DataSource settings;

    /**
     * Creates the data source.
     *
     * @param source picks and borrows
     * @param settings the data source whose login timeout and log writer this one reports
     */
    public RoutingDataSource(ConnectionSource source, DataSource settings) {
        this.source = source;
        this.settings = settings;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return source.get();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the routing data source uses the configured application role");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return settings.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        throw new SQLFeatureNotSupportedException("configure logging through SLF4J");
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("set acquireTimeout in DatabaseConfig");
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return settings.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("SLF4J is used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
