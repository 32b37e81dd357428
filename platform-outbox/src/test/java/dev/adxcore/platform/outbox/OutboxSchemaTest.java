package dev.adxcore.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The schema ships as Flyway migrations and as statements from code, from one source, and passes the start-up check. */
@PlatformTest(replicas = 0)
class OutboxSchemaTest {

    @Test
    void theStatementsAreTheMigrationFilesWithTheRolesFilledIn() {
        String all = String.join(";\n", OutboxSchema.statements("app", "outbox_relay"));
        for (String file : OutboxSchema.MIGRATIONS) {
            assertThat(OutboxSchema.migration(file)).contains("${app_role}", "${relay_role}");
        }
        assertThat(all)
                .doesNotContain("${")
                .contains("TO outbox_relay USING (true)")
                .contains("GRANT SELECT, INSERT ON platform_outbox TO app");
        for (String table : new String[] {"platform_outbox", "platform_inbox"}) {
            for (String rls : RowLevelSecurity.statements(table)) {
                assertThat(OutboxSchema.statements("app", "outbox_relay")).contains(rls);
            }
        }
    }

    @Test
    void roleNamesMustBePlainIdentifiersAndDifferent() {
        assertThatThrownBy(() -> OutboxSchema.statements("app; DROP TABLE x", "relay"))
                .hasMessageStartingWith("appRole must be a plain lower-case SQL identifier");
        assertThatThrownBy(() -> OutboxSchema.statements("app", "app")).hasMessageContaining("must be different roles");
        assertThatThrownBy(() -> OutboxSchema.migration("V9__nope.sql")).hasMessageContaining("unknown migration");
    }

    @Test
    void flywayAppliesTheShippedMigrationsAndBothRolesPassTheStartupCheck(PostgresCluster pg) throws SQLException {
        String suffix = Long.toHexString(System.nanoTime());
        String app = "fapp_" + suffix;
        String relay = "frelay_" + suffix;
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + app + " LOGIN NOSUPERUSER NOBYPASSRLS");
            st.execute("CREATE ROLE " + relay + " LOGIN NOSUPERUSER NOBYPASSRLS");
            st.execute("GRANT USAGE ON SCHEMA public TO " + app + ", " + relay);
        }
        Flyway.configure()
                .dataSource(pg.primaryDataSource())
                .locations("classpath:" + OutboxSchema.MIGRATION_LOCATION)
                .table("platform_outbox_schema_history")
                .placeholders(Map.of("app_role", app, "relay_role", relay))
                .load()
                .migrate();
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM platform_outbox_schema_history WHERE success")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        String url = pg.primaryJdbcUrl().substring(0, pg.primaryJdbcUrl().indexOf('?'));
        UUID tenant = UUID.randomUUID();
        try (DatabaseManager appDb = DatabaseManager.create(DatabaseConfig.builder()
                        .name("fapp")
                        .primaryUrl(url)
                        .username(app)
                        .meterRegistry(new SimpleMeterRegistry())
                        .build());
                DatabaseManager relayDb = DatabaseManager.create(DatabaseConfig.builder()
                        .name("frelay")
                        .primaryUrl(url)
                        .username(relay)
                        .meterRegistry(new SimpleMeterRegistry())
                        .build())) {
            Outbox outbox = Outbox.create(appDb);
            appDb.inTransaction(tenant, h -> {
                outbox.record(Event.builder("x.y").tenantId(tenant).data("{}").build());
                return null;
            });
            long seen = relayDb.readWithoutTenant(
                            dev.adxcore.platform.database.ReadConsistency.latest(),
                            h -> h.queryOne("SELECT count(*) FROM platform_outbox", r -> r.getLong(1)))
                    .orElseThrow();
            assertThat(seen).isEqualTo(1);
        }
    }
}
