package dev.adxcore.platform.benchmarks.outbox;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.outbox.OutboxSchema;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * A benchmark database on the kit's primary: an application role and a relay role, the outbox schema, and a tenant
 * table {@code items} (1,000 rows of one tenant) under row-level security.
 */
final class OutboxBenchDatabase implements AutoCloseable {

    static final UUID TENANT = UUID.fromString("0a0a0a0a-0000-4000-8000-00000000000a");
    static final int ROWS = 1000;

    final PostgresCluster pg;
    final String appRole;
    final String relayRole;

    OutboxBenchDatabase() throws SQLException {
        this.pg = TestServers.postgres(0);
        String suffix = Long.toHexString(System.nanoTime());
        this.appRole = "obapp_" + suffix;
        this.relayRole = "obrelay_" + suffix;
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + appRole + " LOGIN NOSUPERUSER NOBYPASSRLS");
            st.execute("CREATE ROLE " + relayRole + " LOGIN NOSUPERUSER NOBYPASSRLS");
            st.execute("GRANT USAGE ON SCHEMA public TO " + appRole + ", " + relayRole);
            st.execute(
                    "CREATE TABLE items (id int PRIMARY KEY, tenant_id uuid NOT NULL, counter bigint NOT NULL DEFAULT 0)");
            st.execute("INSERT INTO items SELECT g, '" + TENANT + "', 0 FROM generate_series(1, " + ROWS + ") g");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + appRole);
            RowLevelSecurity.apply(c, "items");
            OutboxSchema.apply(c, appRole, relayRole);
            st.execute("ANALYZE");
        }
    }

    private DatabaseConfig.Builder config(String name, String role, int pool) {
        String url = pg.primaryJdbcUrl();
        int q = url.indexOf('?');
        return DatabaseConfig.builder()
                .name(name)
                .primaryUrl(q < 0 ? url : url.substring(0, q))
                .username(role)
                .minConnections(pool)
                .maxConnections(pool)
                .acquireTimeout(Duration.ofSeconds(10))
                .meterRegistry(new SimpleMeterRegistry());
    }

    DatabaseManager app(int pool) {
        return DatabaseManager.create(config("app", appRole, pool).build());
    }

    DatabaseManager relay(int pool) {
        return DatabaseManager.create(config("relay", relayRole, pool).build());
    }

    /** Vacuums the outbox as the superuser. */
    void vacuumOutbox() throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE) platform_outbox");
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
