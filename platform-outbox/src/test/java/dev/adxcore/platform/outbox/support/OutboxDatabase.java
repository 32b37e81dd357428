package dev.adxcore.platform.outbox.support;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.outbox.OutboxSchema;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A kit database with the outbox schema applied by the superuser (the tables' owner), an application role and a
 * relay role (both NOSUPERUSER NOBYPASSRLS), and two tenant tables for the services' own writes: {@code notes}
 * (what a write changes) and {@code effects} (what an inbox consumer does; deliberately without a unique key on
 * the event id, so that a second effect would be visible).
 */
public final class OutboxDatabase {

    public final String url;
    public final String appRole;
    public final String relayRole;
    private final String superuserUrl;

    private OutboxDatabase(String superuserUrl, String url, String appRole, String relayRole) {
        this.superuserUrl = superuserUrl;
        this.url = url;
        this.appRole = appRole;
        this.relayRole = relayRole;
    }

    /** Creates the roles, the schema and the tenant tables, once per test class. */
    public static OutboxDatabase setUp(PostgresCluster pg) throws SQLException {
        String base = pg.databaseName().toLowerCase().replaceAll("[^a-z0-9_]", "_");
        if (base.length() > 50) {
            base = base.substring(base.length() - 50);
        }
        String app = "app_" + base;
        String relay = "relay_" + base;
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            for (String role : List.of(app, relay)) {
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                    if (!rs.next()) {
                        st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS");
                    }
                }
            }
            st.execute("GRANT USAGE ON SCHEMA public TO " + app + ", " + relay);
            st.execute("CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL,"
                    + " body text NOT NULL, version bigint NOT NULL DEFAULT 0)");
            st.execute(
                    "CREATE TABLE effects (tenant_id uuid NOT NULL, event_id text NOT NULL, subscription_id text NOT NULL)");
            st.execute("CREATE TABLE counters (tenant_id uuid NOT NULL, aggregate text NOT NULL, value bigint NOT NULL,"
                    + " PRIMARY KEY (tenant_id, aggregate))");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON notes, effects, counters TO " + app);
            RowLevelSecurity.apply(c, "notes");
            RowLevelSecurity.apply(c, "effects");
            RowLevelSecurity.apply(c, "counters");
            OutboxSchema.apply(c, app, relay);
        }
        return new OutboxDatabase(pg.primaryJdbcUrl(), strip(pg.primaryJdbcUrl()), app, relay);
    }

    /** The application role's database config. */
    public DatabaseConfig.Builder appConfig() {
        return config("app", appRole);
    }

    /** The relay role's database config. */
    public DatabaseConfig.Builder relayConfig() {
        return config("relay", relayRole);
    }

    private DatabaseConfig.Builder config(String name, String role) {
        return DatabaseConfig.builder()
                .name(name)
                .primaryUrl(url)
                .username(role)
                .minConnections(1)
                .maxConnections(6)
                .acquireTimeout(Duration.ofSeconds(5))
                .meterRegistry(new SimpleMeterRegistry());
    }

    public DatabaseManager app() {
        return DatabaseManager.create(appConfig().build());
    }

    public DatabaseManager relay() {
        return DatabaseManager.create(relayConfig().build());
    }

    /** Runs SQL as the superuser. */
    public void superuser(String... sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(superuserUrl);
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** A new superuser connection (the caller closes it). */
    public Connection superuserConnection() throws SQLException {
        return java.sql.DriverManager.getConnection(superuserUrl);
    }

    /** A superuser query of one long. */
    public long count(String sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(superuserUrl);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A superuser query of one text column. */
    public List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = java.sql.DriverManager.getConnection(superuserUrl);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public static String strip(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
