package dev.adxcore.platform.database;

import dev.adxcore.platform.database.sql.TenantStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Work} gets: statements that run with the unit's tenant set, on the connection the
 * unit was routed to. Valid only while the work runs; not thread-safe.
 *
 * <p><b>How the tenant is set.</b> The first statement of the unit carries
 * {@code SELECT set_config('app.tenant_id', ?, true)} in the same round trip. In a read-only unit,
 * every statement runs on its own in autocommit with the setting (and {@code transaction_read_only})
 * in front of it: PostgreSQL runs everything before one protocol Sync as one implicit transaction, so
 * the setting covers the statement and is gone afterwards, at the cost of a single round trip. Each
 * statement of a read-only unit therefore sees its own snapshot; call {@link #connection()} when
 * several reads must share one (the unit then becomes a {@code READ ONLY} transaction). In a
 * read-write unit the setting lives until commit or rollback.
 *
 * @since 0.1.0
 */
public interface Handle {

    /** @return the unit's tenant; empty for a unit run without a tenant (tenant tables then show no rows) */
    Optional<UUID> tenantId();

    /** @return true for a read-only unit (writes are refused) */
    boolean isReadOnly();

    /** @return the name of the pool serving this unit, such as {@code db-primary} or {@code db-replica-1} */
    String target();

    /**
     * Runs a query and maps every row.
     *
     * @param <T> the row type
     * @param sql SQL with {@code ?} placeholders
     * @param mapper maps one row
     * @param parameters the values, one per placeholder
     * @return the rows, in the order the server returned them
     * @throws SQLException when the statement fails
     */
    <T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... parameters) throws SQLException;

    /**
     * Runs a query expected to return at most one row.
     *
     * @param <T> the row type
     * @param sql SQL with {@code ?} placeholders
     * @param mapper maps the row
     * @param parameters the values, one per placeholder
     * @return the row, or empty when there is none
     * @throws SQLException when the statement fails
     * @throws IllegalStateException when more than one row comes back
     */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, @Nullable Object... parameters) throws SQLException;

    /**
     * Runs an {@code INSERT}, {@code UPDATE}, {@code DELETE} or DDL statement.
     *
     * @param sql SQL with {@code ?} placeholders
     * @param parameters the values, one per placeholder
     * @return the number of rows changed
     * @throws SQLException when the statement fails
     * @throws IllegalStateException in a read-only unit
     */
    int update(String sql, @Nullable Object... parameters) throws SQLException;

    /**
     * Runs a built tenant-scoped query.
     *
     * @param <T> the row type
     * @param statement from {@link dev.adxcore.platform.database.sql.TenantSql}
     * @param mapper maps one row
     * @return the rows
     * @throws SQLException when the statement fails
     * @throws TenantIsolationException when the statement was built for another tenant than this unit's
     */
    <T> List<T> query(TenantStatement statement, RowMapper<T> mapper) throws SQLException;

    /**
     * Runs a built tenant-scoped query expected to return at most one row.
     *
     * @param <T> the row type
     * @param statement from {@link dev.adxcore.platform.database.sql.TenantSql}
     * @param mapper maps the row
     * @return the row, or empty
     * @throws SQLException when the statement fails
     * @throws TenantIsolationException when the statement was built for another tenant than this unit's
     * @throws IllegalStateException when more than one row comes back
     */
    <T> Optional<T> queryOne(TenantStatement statement, RowMapper<T> mapper) throws SQLException;

    /**
     * Runs a built tenant-scoped insert, update or delete.
     *
     * @param statement from {@link dev.adxcore.platform.database.sql.TenantSql}
     * @return the number of rows changed
     * @throws SQLException when the statement fails
     * @throws TenantIsolationException when the statement was built for another tenant than this unit's
     * @throws IllegalStateException in a read-only unit
     */
    int update(TenantStatement statement) throws SQLException;

    /**
     * Runs an {@code INSERT}, {@code UPDATE} or {@code DELETE} with this unit's {@code COMMIT}, in the same round
     * trip, instead of now: for writes that nothing in the unit reads back, such as an outbox or audit row. The
     * statements run in the order given, after every other statement of the unit and before the commit; when one
     * fails the unit fails and nothing is committed (the error reaches the caller of {@code inTransaction} as a
     * {@link DatabaseException}). Until the commit the row is not visible, not even to this unit. Many deferred
     * statements are sent in groups (one round trip per group), so a unit that defers thousands does not build one
     * huge statement.
     *
     * @param sql SQL with {@code ?} placeholders
     * @param parameters the values, one per placeholder
     * @throws IllegalStateException in a read-only unit, or after the unit ended
     * @throws SQLException when an earlier group of deferred statements, sent now, fails
     * @since 0.2.0
     */
    void updateAtCommit(String sql, @Nullable Object... parameters) throws SQLException;

    /**
     * Runs an action once this read-write unit has committed, on the committing thread, after the commit
     * returned and before {@code inTransaction} returns; never when the unit rolls back. For work that must not
     * happen unless the change is durable and need not be part of it: waking a local worker, evicting a cache.
     * An action that throws is logged (SLF4J, WARN) and does not change the unit's outcome, and the remaining
     * actions still run, in registration order.
     *
     * @param action what to run after the commit
     * @throws IllegalStateException in a read-only unit (nothing commits), or after the unit ended
     * @since 0.2.0
     */
    void afterCommit(Runnable action);

    /**
     * The unit's JDBC connection, with the tenant set for the rest of the unit. In a read-only unit this
     * turns the unit into one {@code READ ONLY} transaction. Do not close it, commit it, roll it back
     * or change its auto-commit mode: the manager does.
     *
     * @return the connection
     * @throws SQLException when setting the tenant fails
     */
    Connection connection() throws SQLException;

    /**
     * Lets the statements of the rest of this unit of work wait up to {@code maxWait} for the server, instead
     * of the configured {@link DatabaseConfig#socketTimeout()}: for a report, a batch or a migration step that
     * is meant to run long. Only this unit is affected; its connection gets the configured bound back when the
     * unit ends. The server keeps no bound of its own: combine with {@code SET LOCAL statement_timeout} if the
     * statement must also be stopped there.
     *
     * <pre>{@code
     * db.read(tenantId, ReadConsistency.replica(), h -> {
     *     h.allowLongStatements(Duration.ofMinutes(2));
     *     return h.query("SELECT ... a yearly report ...", mapper);
     * });
     * }</pre>
     *
     * @param maxWait how long each wait for the server may last, at least 1 ms
     * @throws SQLException when the connection is already broken
     * @throws IllegalArgumentException when {@code maxWait} is zero, negative or longer than {@link Integer#MAX_VALUE} ms
     * @since 0.3.0
     */
    void allowLongStatements(java.time.Duration maxWait) throws SQLException;
}
