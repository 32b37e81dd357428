package dev.adxcore.platform.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The schema of platform-outbox: the {@value #OUTBOX_TABLE} and {@value #INBOX_TABLE} tables, both under
 * row-level security like any tenant table, plus the {@code relay_access} policies and grants that let the
 * relay role (and only it) see every tenant's rows.
 *
 * <p>Shipped twice, from one source: as Flyway-named migration files in this jar under
 * {@value #MIGRATION_LOCATION} ({@code V1__platform_outbox.sql}, {@code V2__platform_inbox.sql}, with the
 * Flyway placeholders {@code ${app_role}} and {@code ${relay_role}}), and as statements from code
 * ({@link #statements(String, String)}, the same files with the placeholders replaced). Run either as the
 * tables' owner, a migration role that is neither the application role nor the relay role. Both roles
 * must exist first (see the README: {@code CREATE ROLE ... LOGIN NOSUPERUSER NOBYPASSRLS}). Applying twice
 * is harmless.
 *
 * <p>With Flyway, give the outbox its own history table so its versions do not clash with the service's:
 * <pre>{@code
 * Flyway.configure().dataSource(ownerDataSource)
 *         .locations("classpath:" + OutboxSchema.MIGRATION_LOCATION)
 *         .table("platform_outbox_schema_history")
 *         .placeholders(Map.of("app_role", "app", "relay_role", "outbox_relay"))
 *         .baselineOnMigrate(true).load().migrate();
 * }</pre>
 *
 * <p>Thread-safe (stateless). {@link #statements} and {@link #migration} read the jar's resource files at each
 * call (cheap, no database); {@link #apply} costs one round trip per statement on the given connection.
 *
 * @since 0.1.0
 */
public final class OutboxSchema {

    /** The outbox table. */
    public static final String OUTBOX_TABLE = "platform_outbox";

    /** The inbox table. */
    public static final String INBOX_TABLE = "platform_inbox";

    /** Where the migration files are in this jar (a class-path folder, for Flyway's {@code locations}). */
    public static final String MIGRATION_LOCATION = "db/platform-outbox";

    /** The migration files, in the order they must run. */
    public static final List<String> MIGRATIONS = List.of("V1__platform_outbox.sql", "V2__platform_inbox.sql");

    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private OutboxSchema() {}

    /**
     * The DDL of every migration, in order, with the roles filled in.
     *
     * @param appRole the application role: it records events and inbox entries (its own tenant's rows only)
     * @param relayRole the relay role: it publishes and purges every tenant's rows
     * @return the statements, in order
     * @throws IllegalArgumentException when a role is not a plain lower-case identifier, or both are the same
     */
    public static List<String> statements(String appRole, String relayRole) {
        checkRole("appRole", appRole);
        checkRole("relayRole", relayRole);
        if (appRole.equals(relayRole)) {
            throw new IllegalArgumentException("appRole and relayRole must be different roles (both were '" + appRole
                    + "'): the relay reads every tenant's outbox rows, the application role must not");
        }
        List<String> out = new ArrayList<>();
        for (String file : MIGRATIONS) {
            out.addAll(split(migration(file).replace("${app_role}", appRole).replace("${relay_role}", relayRole)));
        }
        return List.copyOf(out);
    }

    /**
     * The text of one migration file, as shipped (placeholders not replaced).
     *
     * @param file one of {@link #MIGRATIONS}
     * @return the file's text
     * @throws IllegalArgumentException when the file is not one of {@link #MIGRATIONS}
     */
    public static String migration(String file) {
        if (!MIGRATIONS.contains(Objects.requireNonNull(file, "file"))) {
            throw new IllegalArgumentException("unknown migration '" + file + "'; expected one of " + MIGRATIONS);
        }
        String path = "/" + MIGRATION_LOCATION + "/" + file;
        try (InputStream in = OutboxSchema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the platform-outbox jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + path, e);
        }
    }

    /**
     * Runs {@link #statements(String, String)} on a connection of the tables' owner, in one transaction when
     * the connection is in auto-commit.
     *
     * @param connection a connection of the owner (migration) role
     * @param appRole the application role
     * @param relayRole the relay role
     * @throws SQLException when a statement fails (for example a role does not exist)
     * @throws IllegalArgumentException when a role name is not a plain identifier
     */
    public static void apply(Connection connection, String appRole, String relayRole) throws SQLException {
        List<String> ddl = statements(appRole, relayRole);
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
        }
        try (Statement st = connection.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
            if (autoCommit) {
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (autoCommit) {
                connection.rollback();
            }
            throw e;
        } finally {
            if (autoCommit) {
                connection.setAutoCommit(true);
            }
        }
    }

    private static void checkRole(String setting, String role) {
        Objects.requireNonNull(role, setting);
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException(
                    setting + " must be a plain lower-case SQL identifier ([a-z_][a-z0-9_]*, "
                            + "at most 63 characters), was '" + role + "'");
        }
    }

    private static List<String> split(String script) {
        StringBuilder body = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            if (!line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String statement : body.toString().split(";\\s*\n")) {
            String s = statement.strip();
            if (!s.isEmpty()) {
                out.add(s.endsWith(";") ? s.substring(0, s.length() - 1) : s);
            }
        }
        return out;
    }
}
