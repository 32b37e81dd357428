package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The manager refuses roles to which row-level security would not apply. */
@PlatformTest(replicas = 0)
class StartupSafetyCheckTest {

    private static AppDatabase app;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
    }

    private static String role(String suffix, String attributes) throws SQLException {
        String role = (app.role + "_" + suffix);
        app.superuser(
                "DROP ROLE IF EXISTS " + role,
                "CREATE ROLE " + role + " LOGIN " + attributes,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON notes, customers TO " + role);
        return role;
    }

    @Test
    void superuserIsRefused() {
        assertThatThrownBy(() -> DatabaseManager.create(
                        app.config().username(app.pg.username()).build()))
                .isInstanceOf(UnsafeRoleException.class)
                .hasMessageContaining("is a superuser: row-level security does not apply to it");
    }

    @Test
    void roleWithBypassRlsIsRefused() throws SQLException {
        String role = role("bypass", "BYPASSRLS");
        assertThatThrownBy(
                        () -> DatabaseManager.create(app.config().username(role).build()))
                .isInstanceOf(UnsafeRoleException.class)
                .hasMessageContaining("has BYPASSRLS");
    }

    @Test
    void ownerOfATenantTableWithoutForceIsRefused() throws SQLException {
        String role = role("owner", "");
        app.superuser(
                "CREATE TABLE owned_" + role + " (id int, tenant_id uuid)",
                "ALTER TABLE owned_" + role + " OWNER TO " + role,
                "ALTER TABLE owned_" + role + " ENABLE ROW LEVEL SECURITY");
        try {
            assertThatThrownBy(() ->
                            DatabaseManager.create(app.config().username(role).build()))
                    .isInstanceOf(UnsafeRoleException.class)
                    .hasMessageContaining("lacks FORCE ROW LEVEL SECURITY");
        } finally {
            app.superuser("DROP TABLE owned_" + role);
        }
    }

    @Test
    void tenantTableWithoutRowLevelSecurityIsRefused() throws SQLException {
        String role = role("norls", "");
        app.superuser(
                "CREATE TABLE open_" + role + " (id int, tenant_id uuid)",
                "GRANT SELECT ON open_" + role + " TO " + role);
        try {
            assertThatThrownBy(() ->
                            DatabaseManager.create(app.config().username(role).build()))
                    .isInstanceOf(UnsafeRoleException.class)
                    .hasMessageContaining("row-level security is not enabled");
        } finally {
            app.superuser("DROP TABLE open_" + role);
        }
    }

    @Test
    void aPolicyThatTrustsASessionLevelTenantIsRefused() throws SQLException {
        String table = "old_policy_" + app.role;
        app.superuser(
                "CREATE TABLE " + table + " (id int, tenant_id uuid)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + app.role,
                "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_isolation ON " + table
                        + " USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)");
        try {
            assertThatThrownBy(() -> DatabaseManager.create(app.config().build()))
                    .isInstanceOf(UnsafeRoleException.class)
                    .hasMessageContaining(
                            "policy tenant_isolation on table public." + table + " trusts app.tenant_id without")
                    .hasMessageContaining("re-apply RowLevelSecurity.statements");
            try (var c = app.pg.openPrimary()) {
                RowLevelSecurity.apply(c, table);
            }
            try (DatabaseManager db = DatabaseManager.create(app.config().build())) {
                assertThat(db.healthChecks()).hasSize(1);
            }
        } finally {
            app.superuser("DROP TABLE " + table);
        }
    }

    @Test
    void warnModeStartsWithAnUnsafeRoleThatThenSeesEveryTenant() throws SQLException {
        app.superuser("INSERT INTO notes (tenant_id, body) VALUES ('" + UUID.randomUUID() + "', 'someone else')");
        try (DatabaseManager db = DatabaseManager.create(app.config()
                .username(app.pg.username())
                .roleCheck(DatabaseConfig.RoleCheck.WARN)
                .build())) {
            long all = db.read(
                    UUID.randomUUID(),
                    ReadConsistency.latest(),
                    h -> h.queryOne("SELECT count(*) FROM notes", r -> r.getLong(1))
                            .orElseThrow());
            assertThat(all).isEqualTo(1);
        }
    }

    @Test
    void applicationRoleWithForcedRowLevelSecurityStarts() {
        try (DatabaseManager db = DatabaseManager.create(app.config().build())) {
            assertThat(db.healthChecks()).hasSize(1);
        }
    }
}
