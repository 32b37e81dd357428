package dev.adxcore.platform.examples.tenantservice;

import dev.adxcore.platform.outbox.OutboxSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's schema: Flyway migrations in {@code classpath:db/migration} (tables, row-level security,
 * grants) and the application role they grant to.
 *
 * <p>Two roles take part, on purpose: the <b>owner</b> (a migration user) creates the tables; the
 * <b>application role</b> that the service connects as is neither superuser nor owner nor
 * {@code BYPASSRLS}, so row-level security always applies to it (platform-database refuses to start
 * otherwise). Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class TenantSchema {

    private static final Logger log = LoggerFactory.getLogger(TenantSchema.class);
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private TenantSchema() {}

    /**
     * Applies the pending migrations as the owner.
     *
     * @param jdbcUrl the database's JDBC URL
     * @param ownerUser the owning (migration) user
     * @param ownerPassword its password, empty for none
     * @param applicationRole the role that the service connects as; granted row access
     * @return the number of migrations applied
     * @throws IllegalArgumentException when the role name is not a plain lower-case identifier
     * @throws org.flywaydb.core.api.FlywayException when a migration fails
     */
    public static int migrate(String jdbcUrl, String ownerUser, String ownerPassword, String applicationRole) {
        requireRole(applicationRole);
        Flyway flyway = Flyway.configure()
                .dataSource(jdbcUrl, ownerUser, ownerPassword)
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", applicationRole))
                .load();
        MigrateResult result = flyway.migrate();
        // The outbox and inbox tables of platform-outbox, with their own history table.
        MigrateResult outbox = Flyway.configure()
                .dataSource(jdbcUrl, ownerUser, ownerPassword)
                .locations("classpath:" + OutboxSchema.MIGRATION_LOCATION)
                .table("platform_outbox_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(Map.of("app_role", applicationRole, "relay_role", relayRole(applicationRole)))
                .load()
                .migrate();
        log.info(
                "Schema migrated to version {} ({} migration(s) applied), outbox to version {} ({})",
                result.targetSchemaVersion,
                result.migrationsExecuted,
                outbox.targetSchemaVersion,
                outbox.migrationsExecuted);
        return result.migrationsExecuted + outbox.migrationsExecuted;
    }

    /**
     * The outbox relay's role for an application role: {@code <applicationRole>_relay}. It reads every tenant's
     * outbox rows (platform-outbox's {@code relay_access} policy) and nothing else.
     *
     * @param applicationRole the service's role
     * @return the relay's role
     */
    public static String relayRole(String applicationRole) {
        return requireRole(applicationRole) + "_relay";
    }

    /**
     * Creates the application role and its outbox relay role ({@link #relayRole}) when they do not exist yet (LOGIN, NOSUPERUSER, NOBYPASSRLS) and sets its
     * password. Needs a connection of a role that may create roles.
     *
     * @param admin a connection of a superuser or a role with CREATEROLE
     * @param role the role name, a plain lower-case identifier
     * @param password its password (not logged)
     * @throws SQLException when a statement fails
     * @throws IllegalArgumentException when the role name is not a plain lower-case identifier
     */
    public static void createApplicationRole(Connection admin, String role, String password) throws SQLException {
        createRole(admin, role, password);
        createRole(admin, relayRole(role), password);
    }

    private static void createRole(Connection admin, String role, String password) throws SQLException {
        requireRole(role);
        Objects.requireNonNull(password, "password");
        boolean exists;
        try (PreparedStatement ps = admin.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        // DDL takes no bind parameters: the role is a checked identifier, the password a quoted literal.
        String literal = "'" + password.replace("'", "''") + "'";
        try (Statement st = admin.createStatement()) {
            if (!exists) {
                try {
                    st.execute("CREATE ROLE " + role
                            + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD " + literal);
                    log.info("Application role {} created", role);
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) { // created concurrently by another process
                        throw e;
                    }
                }
            }
            st.execute("ALTER ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD " + literal);
        }
    }

    private static String requireRole(String role) {
        if (role == null || !ROLE.matcher(role).matches() || role.length() > 57) {
            throw new IllegalArgumentException("applicationRole must be a plain lower-case SQL identifier of at most "
                    + "57 characters such as tenant_app (was '" + role + "')");
        }
        return role;
    }
}
