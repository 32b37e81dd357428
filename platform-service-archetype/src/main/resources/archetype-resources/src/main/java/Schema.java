package ${package};

import ${package}.migration.V2__Row_level_security;
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
 * The service's schema: the Flyway migrations in {@code classpath:db/migration} (tables, grants) and
 * {@link V2__Row_level_security} (row-level security, the SQL of the platform's {@code RowLevelSecurity}), and
 * the application role they grant to.
 *
 * <p>Two roles take part, on purpose: the <b>owner</b> (a migration user) creates the tables; the
 * <b>application role</b> that the service connects as is neither superuser nor owner nor {@code BYPASSRLS},
 * so row-level security always applies to it (platform-database refuses to start otherwise). Thread-safe.
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
        log.info("Schema migrated to version {} ({} migration(s) applied)", result.targetSchemaVersion,
                result.migrationsExecuted);
        return result.migrationsExecuted;
    }

    /**
     * Creates the application role when it does not exist yet (LOGIN, NOSUPERUSER, NOBYPASSRLS) and sets its
     * password.
     *
     * @param admin a connection of a superuser or a role with CREATEROLE
     * @param role the role name, a plain lower-case identifier
     * @param password its password (not logged)
     * @throws SQLException when a statement fails
     */
    public static void createApplicationRole(Connection admin, String role, String password) throws SQLException {
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

    private static void requireRole(String role) {
        if (role == null || !ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("applicationRole must be a plain lower-case SQL identifier such as "
                    + "${appRole} (was '" + role + "')");
        }
    }
}
