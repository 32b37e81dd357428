package dev.adxcore.platform.database.support;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.test.PgBouncer;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Test fixture on a kit database: a non-superuser application role (RLS applies to it), a tenant table
 * {@code notes} owned by the superuser with row-level security, and a config for the role.
 */
public final class AppDatabase {

    /**
     * When the system property {@code platform.test.pgbouncer} is true (the {@code through-pgbouncer}
     * surefire execution), the primary URL of {@link #config()} goes through a private PgBouncer in
     * transaction pooling mode with one server connection, in front of the class's primary.
     */
    public static final boolean VIA_PGBOUNCER = Boolean.getBoolean("platform.test.pgbouncer");

    private static final java.util.Map<String, PgBouncer> BOUNCERS = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        if (VIA_PGBOUNCER) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> BOUNCERS.values().forEach(PgBouncer::close)));
        }
    }

    public final PostgresCluster pg;
    public final String role;

    private AppDatabase(PostgresCluster pg, String role) {
        this.pg = pg;
        this.role = role;
    }

    /** Creates the role and the {@code notes} and {@code customers} tenant tables, once per test class. */
    public static AppDatabase setUp(PostgresCluster pg) throws SQLException {
        String role = "app_" + pg.databaseName().toLowerCase().replaceAll("[^a-z0-9_]", "_");
        if (role.length() > 60) {
            role = role.substring(0, 60);
        }
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS");
                }
            }
            st.execute("CREATE TABLE customers (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL,"
                    + " UNIQUE (tenant_id, name))");
            st.execute("CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL,"
                    + " customer_id uuid REFERENCES customers (id), body text NOT NULL, version bigint NOT NULL DEFAULT 0,"
                    + " created_at timestamptz NOT NULL DEFAULT now())");
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON customers, notes TO " + role);
            RowLevelSecurity.apply(c, "customers");
            RowLevelSecurity.apply(c, "notes");
        }
        pg.awaitReplication();
        return new AppDatabase(pg, role);
    }

    /** A config for the application role on the primary and every replica of the kit database. */
    public DatabaseConfig.Builder config() {
        return DatabaseConfig.builder()
                .name("test")
                .primaryUrl(
                        VIA_PGBOUNCER ? bouncer().jdbcUrl(pg.databaseName()) : pg.primaryJdbcUrlWithoutCredentials())
                .replicaUrls(pg.replicaJdbcUrlsWithoutCredentials())
                .username(role)
                .minConnections(1)
                .maxConnections(4)
                .acquireTimeout(Duration.ofSeconds(2))
                .replicaRecheckInterval(Duration.ofMillis(100))
                .meterRegistry(new SimpleMeterRegistry());
    }

    /** The PgBouncer in front of this class's primary (started on first use). */
    public PgBouncer bouncer() {
        return BOUNCERS.computeIfAbsent(pg.primaryJdbcUrl() + "|" + role, k -> PgBouncer.start(pg, List.of(role)));
    }

    /** The kit's URLs carry {@code ?user=postgres}; the application must log in as its own role. */
    public static String strip(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** Runs SQL as the superuser on the primary. */
    public void superuser(String... sql) throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Counts rows of a table as the superuser (who bypasses RLS). */
    public long countAll(String table) throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Superuser SQL returning one string. */
    public String queryString(String sql) throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static List<String> list(String... s) {
        return List.of(s);
    }
}
