package ${package};

import ${package}.migration.V2__Row_level_security;
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
 * The service's schema: the Flyway migrations in {@code classpath:db/migration} (tables, grants),
 * {@link V2__Row_level_security} (row-level security, the SQL of the platform's {@code RowLevelSecurity}) and
 * platform-outbox's own migrations ({@link OutboxSchema#MIGRATION_LOCATION}, the {@code platform_outbox} and
 * {@code platform_inbox} tables, with their own history table), and the two roles they grant to.
 *
 * <p>Three roles take part, on purpose: the <b>owner</b> (a migration user) creates the tables; the
 * <b>application role</b> that the service connects as is neither superuser nor owner nor {@code BYPASSRLS},
 * so row-level security always applies to it (platform-database refuses to start otherwise); the <b>relay
 * role</b> ({@link #relayRole}, also {@code NOSUPERUSER NOBYPASSRLS}) is the outbox relay's: it reads and marks
 * every tenant's outbox rows through platform-outbox's {@code relay_access} policy and has no grant on any other
 * table. Neither role is a member of the other ({@code Outbox.create} refuses that). Thread-safe.
 */
public final class Schema {

    private static final Logger log = LoggerFactory.getLogger(Schema.class);
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Schema() {
    }

    /**
     * Applies the pending migrations as the owner.
     *
     * @param jdbcUrl the database's JDBC URL
     * @param ownerUser the owning (migration) user
     * @param ownerPassword its password, empty for none
     * @param applicationRole the role that the service connects as; granted row access
     * @return the number of migrations applied
     * @throws IllegalArgumentException when the role name is not a plain lower-case identifier
     */
    public static int migrate(String jdbcUrl, String ownerUser, String ownerPassword, String applicationRole) {
        requireRole(applicationRole);
        Flyway flyway = Flyway.configure()
                .dataSource(jdbcUrl, ownerUser, ownerPassword)
                .locations("classpath:db/migration",
                        "classpath:" + V2__Row_level_security.class.getPackageName().replace('.', '/'))
                .placeholders(Map.of("app_role", applicationRole))
                .load();
        MigrateResult result = flyway.migrate();
        // The outbox and inbox of platform-outbox, from the files in its jar, with their own history table so
        // that their V1, V2 never clash with the service's.
        MigrateResult outbox = Flyway.configure()
                .dataSource(jdbcUrl, ownerUser, ownerPassword)
                .locations("classpath:" + OutboxSchema.MIGRATION_LOCATION)
                .table("platform_outbox_schema_history")
                .baselineOnMigrate(true).baselineVersion("0")
                .placeholders(Map.of("app_role", applicationRole, "relay_role", relayRole(applicationRole)))
                .load().migrate();
        log.info("Schema migrated to version {} ({} migration(s) applied), outbox to version {} ({})",
                result.targetSchemaVersion, result.migrationsExecuted, outbox.targetSchemaVersion,
                outbox.migrationsExecuted);
        return result.migrationsExecuted + outbox.migrationsExecuted;
    }

    /**
     * The outbox relay's role for an application role: {@code <applicationRole>_relay} (for this service
     * {@code ${appRole}_relay}). It reads, marks and purges every tenant's outbox rows and nothing else.
     *
     * @param applicationRole the service's role
     * @return the relay's role
     * @throws IllegalArgumentException when the role name is not a plain lower-case identifier
     */
    public static String relayRole(String applicationRole) {
        return requireRole(applicationRole) + "_relay";
    }

    /**
     * Creates the application role and its outbox relay role ({@link #relayRole}) when they do not exist yet
     * (LOGIN, NOSUPERUSER, NOBYPASSRLS, neither a member of the other) and sets their password.
     *
     * @param admin a connection of a superuser or a role with CREATEROLE
     * @param role the application role's name, a plain lower-case identifier
     * @param password the password of both roles (not logged); give the relay its own with {@code ALTER ROLE}
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
                    st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD "
                            + literal);
                    log.info("Role {} created", role);
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
        // 57 characters leave room for the relay role's "_relay" within PostgreSQL's 63.
        if (role == null || !ROLE.matcher(role).matches() || role.length() > 57) {
            throw new IllegalArgumentException("applicationRole must be a plain lower-case SQL identifier of at most "
                    + "57 characters such as ${appRole} (was '" + role + "')");
        }
        return role;
    }
}
