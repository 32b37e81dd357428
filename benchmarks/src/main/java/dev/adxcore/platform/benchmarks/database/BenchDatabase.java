package dev.adxcore.platform.benchmarks.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * One benchmark database on the kit's primary with two streaming replicas: a non-superuser role, a
 * tenant table {@code items} under row-level security and an identical {@code items_plain} without it
 * (the baseline of a plain select), {@value #ROWS} rows each, half per tenant.
 */
final class BenchDatabase implements AutoCloseable {

    static final int ROWS = 10_000;
    static final UUID TENANT_A = UUID.fromString("0a0a0a0a-0000-4000-8000-00000000000a");
    static final UUID TENANT_B = UUID.fromString("0b0b0b0b-0000-4000-8000-00000000000b");
    static final int POOL_SIZE = 8;

    final PostgresCluster pg;
    final String role;

    BenchDatabase(int replicas) throws SQLException {
        this.pg = TestServers.postgres(replicas);
        this.role = "bench_" + Long.toHexString(System.nanoTime());
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS");
            for (String table : new String[] {"items", "items_plain"}) {
                st.execute(
                        "CREATE TABLE " + table + " (id int PRIMARY KEY, tenant_id uuid NOT NULL, body text NOT NULL,"
                                + " counter bigint NOT NULL DEFAULT 0)");
                st.execute(
                        "INSERT INTO " + table + " SELECT g, CASE WHEN g % 2 = 0 THEN '" + TENANT_A + "'::uuid ELSE '"
                                + TENANT_B + "'::uuid END, 'item ' || g, 0 FROM generate_series(1, " + ROWS + ") g");
                st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + role);
            }
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("ANALYZE");
            RowLevelSecurity.apply(c, "items");
            st.execute("ALTER TABLE items_plain ENABLE ROW LEVEL SECURITY");
            st.execute("CREATE POLICY open ON items_plain USING (true) WITH CHECK (true)");
        }
        pg.awaitReplication();
    }

    static String strip(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    DatabaseConfig.Builder config() {
        return DatabaseConfig.builder()
                .name("bench")
                .primaryUrl(strip(pg.primaryJdbcUrl()))
                .replicaUrls(
                        pg.replicaJdbcUrls().stream().map(BenchDatabase::strip).toList())
                .username(role)
                .minConnections(POOL_SIZE)
                .maxConnections(POOL_SIZE)
                .acquireTimeout(Duration.ofSeconds(5))
                .meterRegistry(new SimpleMeterRegistry());
    }

    /** A raw HikariCP pool for the same role on the primary, as hand-written JDBC would use. */
    HikariDataSource rawPool(String url) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(strip(url));
        hc.setUsername(role);
        hc.setMinimumIdle(POOL_SIZE);
        hc.setMaximumPoolSize(POOL_SIZE);
        hc.setPoolName("raw");
        return new HikariDataSource(hc);
    }

    @Override
    public void close() {
        pg.close();
    }
}
