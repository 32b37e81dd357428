package dev.adxcore.platform.database.internal;

import dev.adxcore.platform.database.CausalToken;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.database.RowMapper;
import dev.adxcore.platform.database.TenantIsolationException;
import dev.adxcore.platform.database.sql.TenantStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Handle} implementation. The tenant setting travels in front of the first statement of a
 * transaction (read-write units) or in front of every statement (read-only units in autocommit),
 * as one multi-statement prepared statement: one round trip. Not thread-safe: confined to the thread running
 * its unit of work, like the connection it wraps.
 */
public final class JdbcHandle implements Handle {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHandle.class);

    /** Sets the tenant for the current (possibly implicit) transaction. */
    public static final String SET_TENANT = "SELECT " + RowLevelSecurity.BIND_TENANT;

    static final String READ_ONLY_TENANT_PREFIX =
            "SELECT " + RowLevelSecurity.BIND_TENANT + ", set_config('transaction_read_only', 'on', true); ";
    static final String READ_ONLY_PREFIX = "SELECT set_config('transaction_read_only', 'on', true); ";
    static final String TENANT_PREFIX = SET_TENANT + "; ";
    static final String COMMIT_AND_LSN = "COMMIT; SELECT pg_current_wal_insert_lsn()::text";

    /**
     * The safe form for read-only statements: an explicit transaction, so that the setting still covers
     * the statement if the driver sends a Sync between the statements (pgjdbc does so before a
     * statement it has described at statement level, e.g. with prepareThreshold &lt; 0, parameters of
     * unknown type such as nulls, or stringtype=unspecified).
     */
    static final String SAFE_READ_PREFIX = "BEGIN READ ONLY; " + SET_TENANT + "; ";

    static final String SAFE_READ_PREFIX_WITHOUT_TENANT = "BEGIN READ ONLY; ";
    static final String SAFE_READ_SUFFIX = "; COMMIT";

    private final Connection connection;
    private final boolean singleSyncSafe;
    private final @Nullable UUID tenantId;
    private final @Nullable String tenantText;
    private final boolean readOnly;
    private final String target;
    private boolean transactional;
    private boolean tenantApplied;
    private boolean open = true;
    private @Nullable List<Runnable> afterCommit;
    private @Nullable List<Deferred> atCommit;
    private int restoreNetworkTimeoutMillis = -1;

    private JdbcHandle(
            Connection connection, @Nullable UUID tenantId, boolean readOnly, String target, boolean singleSyncSafe) {
        this.connection = connection;
        this.singleSyncSafe = singleSyncSafe;
        this.tenantId = tenantId;
        this.tenantText = tenantId == null ? null : tenantId.toString();
        this.readOnly = readOnly;
        this.target = target;
    }

    /**
     * A handle for a read-write unit: turns auto-commit off; the transaction begins with the first statement.
     *
     * @param connection a pooled primary connection
     * @param tenantId the tenant, or null
     * @param target the pool name
     * @return the handle
     * @throws SQLException when auto-commit cannot be changed
     */
    public static JdbcHandle readWrite(Connection connection, @Nullable UUID tenantId, String target)
            throws SQLException {
        JdbcHandle h = new JdbcHandle(connection, tenantId, false, target, true);
        connection.setAutoCommit(false);
        h.transactional = true;
        return h;
    }

    /**
     * A handle for a read-only unit, statements in auto-commit until {@link #connection()} is called.
     *
     * @param connection a pooled connection of any server
     * @param tenantId the tenant, or null
     * @param target the pool name
     * @param singleSyncSafe whether the driver settings guarantee that pgjdbc sends a multi-statement
     *        query with typed parameters before one Sync (false with prepareThreshold &lt; 0 or stringtype=unspecified)
     * @return the handle
     */
    public static JdbcHandle readOnly(
            Connection connection, @Nullable UUID tenantId, String target, boolean singleSyncSafe) {
        return new JdbcHandle(connection, tenantId, true, target, singleSyncSafe);
    }

    @Override
    public Optional<UUID> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public <T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... parameters) throws SQLException {
        return execute(sql, parameters, (ps, isResultSet) -> {
            if (!isResultSet) {
                throw new SQLException("the statement returned no rows; use update(...) for: " + sql);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        });
    }

    @Override
    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, @Nullable Object... parameters)
            throws SQLException {
        return execute(sql, parameters, (ps, isResultSet) -> {
            if (!isResultSet) {
                throw new SQLException("the statement returned no rows; use update(...) for: " + sql);
            }
            try (ResultSet rs = ps.getResultSet()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                T row = mapper.map(rs);
                if (rs.next()) {
                    throw new IllegalStateException("expected at most one row but got more from: " + sql);
                }
                return Optional.of(row);
            }
        });
    }

    @Override
    public int update(String sql, @Nullable Object... parameters) throws SQLException {
        if (readOnly) {
            throw new IllegalStateException(
                    "this unit of work is read-only; run writes in DatabaseManager.inTransaction(...)");
        }
        return execute(sql, parameters, (ps, isResultSet) -> {
            if (!isResultSet) {
                return Math.max(ps.getUpdateCount(), 0);
            }
            int rows = 0;
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    rows++;
                }
            }
            return rows;
        });
    }

    @Override
    public <T> List<T> query(TenantStatement statement, RowMapper<T> mapper) throws SQLException {
        checkTenant(statement);
        return query(statement.sql(), mapper, statement.parameters().toArray());
    }

    @Override
    public <T> Optional<T> queryOne(TenantStatement statement, RowMapper<T> mapper) throws SQLException {
        checkTenant(statement);
        return queryOne(statement.sql(), mapper, statement.parameters().toArray());
    }

    @Override
    public int update(TenantStatement statement) throws SQLException {
        checkTenant(statement);
        return update(statement.sql(), statement.parameters().toArray());
    }

    @Override
    public Connection connection() throws SQLException {
        ensureOpen();
        if (!transactional) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            transactional = true;
        }
        if (tenantText != null && !tenantApplied) {
            try (PreparedStatement ps = connection.prepareStatement(SET_TENANT)) {
                ps.setString(1, tenantText);
                ps.execute();
            }
            tenantApplied = true;
        }
        return connection;
    }

    private void checkTenant(TenantStatement statement) {
        if (!statement.tenantId().equals(tenantId)) {
            throw new TenantIsolationException(
                    "the statement was built for another tenant than this unit of work's "
                            + "(build it with the unit's tenant id)",
                    null);
        }
    }

    private interface ResultHandler<R> {
        R handle(PreparedStatement ps, boolean isResultSet) throws SQLException;
    }

    private <R> R execute(String sql, @Nullable Object[] parameters, ResultHandler<R> handler) throws SQLException {
        ensureOpen();
        if (transactional) {
            if (tenantText == null || tenantApplied) {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    bind(ps, 1, parameters);
                    return handler.handle(ps, ps.execute());
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(TENANT_PREFIX.concat(sql))) {
                ps.setString(1, tenantText);
                bind(ps, 2, parameters);
                ps.execute();
                boolean isResultSet = ps.getMoreResults();
                tenantApplied = true;
                return handler.handle(ps, isResultSet);
            }
        }
        if (!(singleSyncSafe && allTyped(parameters))) {
            // also without a tenant: the read-only flag must cover the statement too
            return executeInExplicitTransaction(sql, parameters, handler);
        }
        // One round trip: both statements run before one Sync, as one implicit transaction.
        try (PreparedStatement ps = connection.prepareStatement(
                (tenantText != null ? READ_ONLY_TENANT_PREFIX : READ_ONLY_PREFIX).concat(sql))) {
            int index = 1;
            if (tenantText != null) {
                ps.setString(index++, tenantText);
            }
            bind(ps, index, parameters);
            ps.execute();
            return handler.handle(ps, ps.getMoreResults());
        }
    }

    private <R> R executeInExplicitTransaction(String sql, @Nullable Object[] parameters, ResultHandler<R> handler)
            throws SQLException {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        String prefix = tenantText != null ? SAFE_READ_PREFIX : SAFE_READ_PREFIX_WITHOUT_TENANT;
        try (PreparedStatement ps = connection.prepareStatement(prefix + body + SAFE_READ_SUFFIX)) {
            int index = 1;
            if (tenantText != null) {
                ps.setString(index++, tenantText);
            }
            bind(ps, index, parameters);
            ps.execute();
            if (tenantText != null) {
                ps.getMoreResults();
            }
            return handler.handle(ps, ps.getMoreResults());
        } catch (SQLException | RuntimeException e) {
            try (Statement st = connection.createStatement()) {
                st.execute("ROLLBACK");
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static boolean allTyped(@Nullable Object[] parameters) {
        for (Object p : parameters) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    private static void bind(PreparedStatement ps, int first, @Nullable Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(first + i, parameters[i]);
        }
    }

    /**
     * Commits a read-write unit and returns the primary's WAL insert position after the commit, in
     * the same round trip as the {@code COMMIT}.
     *
     * @return the causal token
     * @throws SQLException when the commit fails, or the transaction had already failed
     */
    public CausalToken commit() throws SQLException {
        ensureOpen();
        if (connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED) {
            throw new SQLException(
                    "the transaction failed earlier (an SQL error was caught inside the unit of work) "
                            + "and was rolled back; nothing was committed",
                    "25P02");
        }
        List<Deferred> deferred = atCommit;
        if (deferred != null) {
            atCommit = null;
            return commitWith(deferred);
        }
        try (PreparedStatement ps = connection.prepareStatement(COMMIT_AND_LSN)) {
            ps.execute();
            if (!ps.getMoreResults()) {
                throw new SQLException("no WAL position after commit");
            }
            try (ResultSet rs = ps.getResultSet()) {
                rs.next();
                return CausalToken.parse(rs.getString(1));
            }
        }
    }

    /** The deferred statements, the commit and the WAL position in one multi-statement: one round trip. */
    private CausalToken commitWith(List<Deferred> deferred) throws SQLException {
        StringBuilder sql = new StringBuilder();
        String tenant = tenantApplied ? null : tenantText;
        boolean prefix = tenant != null;
        if (prefix) {
            sql.append(TENANT_PREFIX);
        }
        for (Deferred d : deferred) {
            sql.append(d.sql()).append("; ");
        }
        sql.append(COMMIT_AND_LSN);
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int index = 1;
            if (tenant != null) {
                ps.setString(index++, tenant);
            }
            for (Deferred d : deferred) {
                bind(ps, index, d.parameters());
                index += d.parameters().length;
            }
            boolean isResultSet = ps.execute();
            String position = null;
            while (true) {
                if (isResultSet) {
                    try (ResultSet rs = ps.getResultSet()) {
                        position = rs.next() ? rs.getString(1) : position; // the last result set is the position
                    }
                } else if (ps.getUpdateCount() == -1) {
                    break;
                }
                isResultSet = ps.getMoreResults();
            }
            if (position == null) {
                throw new SQLException("no WAL position after commit");
            }
            return CausalToken.parse(position);
        }
    }

    /**
     * Ends a read-only unit: commits its transaction if {@link #connection()} opened one.
     *
     * @throws SQLException when the commit fails
     */
    public void finishRead() throws SQLException {
        if (transactional) {
            connection.commit();
        }
    }

    /** Rolls back whatever is open, ignoring failures (the pool discards broken connections). */
    public void rollbackQuietly() {
        if (transactional) {
            try {
                connection.rollback();
            } catch (SQLException | RuntimeException ignored) {
                // the connection is broken; the pool evicts it on close
            }
        }
    }

    /** A statement sent with the commit. */
    private record Deferred(String sql, @Nullable Object[] parameters) {}

    /** Deferred statements sent together in one round trip at most (beyond it, earlier groups go at once). */
    static final int MAX_DEFERRED_PER_ROUND_TRIP = 32;

    @Override
    public void updateAtCommit(String sql, @Nullable Object... parameters) throws SQLException {
        java.util.Objects.requireNonNull(sql, "sql");
        ensureOpen();
        if (readOnly) {
            throw new IllegalStateException("updateAtCommit(...) needs a read-write unit (db.inTransaction)");
        }
        List<Deferred> deferred = atCommit;
        if (deferred == null) {
            deferred = new ArrayList<>(4);
            atCommit = deferred;
        }
        deferred.add(new Deferred(sql, parameters.clone()));
        if (deferred.size() >= MAX_DEFERRED_PER_ROUND_TRIP) {
            atCommit = null;
            StringBuilder sqls = new StringBuilder();
            List<@Nullable Object> values = new ArrayList<>();
            for (Deferred d : deferred) {
                sqls.append(d.sql()).append("; ");
                java.util.Collections.addAll(values, d.parameters());
            }
            String group = sqls.substring(0, sqls.length() - 2);
            execute(group, values.toArray(), (ps, isResultSet) -> Boolean.TRUE);
        }
    }

    @Override
    public void afterCommit(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        ensureOpen();
        if (readOnly) {
            throw new IllegalStateException(
                    "afterCommit(...) needs a read-write unit (db.inTransaction): a read commits nothing");
        }
        List<Runnable> actions = afterCommit;
        if (actions == null) {
            actions = new ArrayList<>(2);
            afterCommit = actions;
        }
        actions.add(action);
    }

    /**
     * Runs the actions registered with {@link #afterCommit(Runnable)}; the manager calls it once the commit
     * returned. Each failure is logged and the next action still runs.
     */
    public void runAfterCommit() {
        List<Runnable> actions = afterCommit;
        if (actions == null) {
            return;
        }
        afterCommit = null;
        open = false; // an action runs after the unit: it cannot add statements to it
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("{} - an after-commit action failed (the unit committed): {}", target, e.toString(), e);
            }
        }
    }

    @Override
    public void allowLongStatements(java.time.Duration maxWait) throws SQLException {
        ensureOpen();
        java.util.Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "maxWait must be between 1ms and " + Integer.MAX_VALUE + "ms (was " + maxWait + ")");
        }
        if (restoreNetworkTimeoutMillis < 0) {
            restoreNetworkTimeoutMillis = connection.getNetworkTimeout();
        }
        connection.setNetworkTimeout(Runnable::run, (int) Math.max(1, maxWait.toMillis()));
    }

    /** Makes every further call fail: the unit of work is over. Gives the connection its socket timeout back. */
    public void close() {
        open = false;
        afterCommit = null;
        atCommit = null;
        if (restoreNetworkTimeoutMillis >= 0) {
            try {
                if (!connection.isClosed()) {
                    connection.setNetworkTimeout(Runnable::run, restoreNetworkTimeoutMillis);
                }
            } catch (SQLException | RuntimeException e) {
                // the connection broke: the pool discards it
            }
            restoreNetworkTimeoutMillis = -1;
        }
    }

    private void ensureOpen() {
        if (!open) {
            throw new IllegalStateException("this Handle belongs to a unit of work that has ended");
        }
    }
}
