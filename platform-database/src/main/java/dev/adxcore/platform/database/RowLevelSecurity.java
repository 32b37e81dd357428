package dev.adxcore.platform.database;

import dev.adxcore.platform.database.internal.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Puts a tenant table under row-level security: {@code ENABLE} and {@code FORCE ROW LEVEL SECURITY}
 * (so the table's owner is filtered too) and one policy, {@value #POLICY}, for reads and writes:
 * <pre>{@code
 * USING      (tenant_id = CASE WHEN current_setting('app.tenant_tx', true)
 *                                   = extract(epoch FROM transaction_timestamp())::text
 *                              THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END)
 * WITH CHECK (the same)
 * }</pre>
 * The tenant in {@code app.tenant_id} is trusted only together with {@code app.tenant_tx}, the start
 * time of the transaction that set it (to the microsecond, as PostgreSQL's {@code transaction_timestamp()}):
 * a unit of work sets both for its own transaction ({@link #BIND_TENANT}). A value planted at session
 * level ({@code set_config(..., false)}, {@code SET app.tenant_id}) by SQL of an earlier unit therefore
 * belongs to a transaction that has ended, and the next borrower of the connection, with or without a
 * tenant of its own, sees no row through it. With no tenant set, or a stale one, the expression is
 * {@code NULL}: no rows are visible and no row can be written, never all rows. The tenant column must be of type {@code uuid}. Run the statements from a migration
 * (Flyway, Liquibase) with {@link #statements(String)}, or directly with {@link #apply(Connection, String)}.
 * Applying twice is harmless. Superusers and roles with {@code BYPASSRLS} still bypass every policy,
 * which is why {@link DatabaseManager} refuses to start with such a role.
 *
 * <p>Thread-safe (stateless). {@link #statements(String)} is cheap (string work); {@code apply} costs one round
 * trip per statement on the given connection.
 *
 * @since 0.1.0
 */
public final class RowLevelSecurity {

    /** The name of the policy created on each table. */
    public static final String POLICY = "tenant_isolation";

    /**
     * The expression that identifies the current transaction on its session: its start time as epoch
     * seconds with microseconds. Two transactions of one session can share it only if they start in the
     * same microsecond, which a later borrower of a pooled connection cannot: its transaction starts with
     * a later client message.
     *
     * @since 0.2.0
     */
    public static final String CURRENT_TRANSACTION = "extract(epoch FROM transaction_timestamp())::text";

    /**
     * The select list that binds a tenant (parameter 1, text) to the current transaction: sets
     * {@code app.tenant_id} and {@code app.tenant_tx} with {@code set_config(..., true)}, both local to
     * the transaction.
     *
     * @since 0.2.0
     */
    public static final String BIND_TENANT =
            "set_config('app.tenant_id', ?, true), set_config('app.tenant_tx', " + CURRENT_TRANSACTION + ", true)";

    /**
     * The expression that yields the unit's tenant, or {@code NULL} when none is bound to the current
     * transaction (none set, or a value left at session level by an earlier transaction).
     */
    public static final String CURRENT_TENANT = "(CASE WHEN current_setting('app.tenant_tx', true) = "
            + CURRENT_TRANSACTION + " THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END)";

    private RowLevelSecurity() {}

    /**
     * The statements that put a table with a {@code tenant_id} column under row-level security.
     *
     * @param table {@code table} or {@code schema.table}, plain lower-case identifiers
     * @return the DDL statements, in order
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static List<String> statements(String table) {
        return statements(table, "tenant_id");
    }

    /**
     * The statements that put a table under row-level security on the given tenant column.
     *
     * @param table {@code table} or {@code schema.table}, plain lower-case identifiers
     * @param tenantColumn the {@code uuid} column that holds the tenant
     * @return the DDL statements, in order
     * @throws IllegalArgumentException when a name is not a plain identifier
     */
    public static List<String> statements(String table, String tenantColumn) {
        String t = Identifiers.quoteTable(Objects.requireNonNull(table, "table"));
        String column = Identifiers.quote("tenantColumn", Objects.requireNonNull(tenantColumn, "tenantColumn"));
        String predicate = "(" + column + " = " + CURRENT_TENANT + ")";
        return List.of(
                "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE " + t + " FORCE ROW LEVEL SECURITY",
                "DROP POLICY IF EXISTS " + POLICY + " ON " + t,
                "CREATE POLICY " + POLICY + " ON " + t + " FOR ALL USING " + predicate + " WITH CHECK " + predicate);
    }

    /**
     * Runs {@link #statements(String)} on a connection (as the table's owner), in one transaction
     * when the connection is in auto-commit.
     *
     * @param connection a connection of the table's owner or a superuser
     * @param table {@code table} or {@code schema.table}
     * @throws SQLException when a statement fails
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static void apply(Connection connection, String table) throws SQLException {
        apply(connection, table, "tenant_id");
    }

    /**
     * Runs {@link #statements(String, String)} on a connection, in one transaction when the
     * connection is in auto-commit.
     *
     * @param connection a connection of the table's owner or a superuser
     * @param table {@code table} or {@code schema.table}
     * @param tenantColumn the {@code uuid} column that holds the tenant
     * @throws SQLException when a statement fails
     * @throws IllegalArgumentException when a name is not a plain identifier
     */
    public static void apply(Connection connection, String table, String tenantColumn) throws SQLException {
        List<String> ddl = statements(table, tenantColumn);
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
}
