package dev.adxcore.platform.benchmarks.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The hand-written JDBC baselines the database benchmarks compare against, and the statements both
 * sides run. One copy, so every benchmark measures the platform against exactly the same baseline.
 */
final class JdbcBaselines {

    /** Point select on the table whose RLS policy is always true (the plain baseline). */
    static final String SELECT_PLAIN = "SELECT body FROM items_plain WHERE id = ?";
    /** Point select on the tenant table. */
    static final String SELECT = "SELECT body FROM items WHERE id = ?";
    /** Point update on the tenant table. */
    static final String UPDATE = "UPDATE items SET counter = counter + 1 WHERE id = ?";

    private JdbcBaselines() {}

    /** An even id: a row of tenant A. */
    static int idOfA() {
        return 2 * ThreadLocalRandom.current().nextInt(1, BenchDatabase.ROWS / 2 + 1);
    }

    /** A plain autocommit point select: one round trip, no tenant. */
    static String plainSelect(DataSource raw) throws SQLException {
        try (Connection c = raw.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT_PLAIN)) {
            ps.setInt(1, idOfA());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The naive tenant read: transaction, separate set_config, select, commit (three round trips). */
    static String naiveTenantRead(DataSource raw) throws SQLException {
        try (Connection c = raw.getConnection()) {
            c.setAutoCommit(false);
            setTenantA(c);
            String body;
            try (PreparedStatement ps = c.prepareStatement(SELECT)) {
                ps.setInt(1, idOfA());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    body = rs.getString(1);
                }
            }
            c.commit();
            return body;
        }
    }

    /** The hand-written tenant write: transaction, set_config, update, commit. */
    static int handWrittenUpdate(DataSource raw) throws SQLException {
        try (Connection c = raw.getConnection()) {
            c.setAutoCommit(false);
            setTenantA(c);
            int updated;
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                ps.setInt(1, idOfA());
                updated = ps.executeUpdate();
            }
            c.commit();
            return updated;
        }
    }

    private static void setTenantA(Connection c) throws SQLException {
        try (PreparedStatement set = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
            set.setString(1, BenchDatabase.TENANT_A.toString());
            set.execute();
        }
    }
}
