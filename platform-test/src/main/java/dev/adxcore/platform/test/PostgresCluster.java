package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.PgEndpoint;
import dev.adxcore.platform.test.internal.PgServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * A database of its own on a real PostgreSQL primary and its streaming hot-standby replicas (which reject
 * writes with SQLState {@code 25006}). {@link PlatformTest} hands one to each test class;
 * {@link TestServers} hands them out elsewhere.
 *
 * <p>URLs carry the user (and password, if any), so {@code DriverManager.getConnection(url)} works; the
 * user is a superuser, meant for test setup (create an unprivileged role to test row-level security).
 * Replication is asynchronous: after writing on the primary, call {@link #awaitReplication()} before
 * expecting the rows on a replica.
 *
 * <p>Servers can be stopped and started again on the same ports ({@link #stopReplica(int)} and friends),
 * crashed ({@link #crashPrimary()}: SIGKILL of the postmaster and all its processes) and frozen
 * ({@link #freezePrimary()}: SIGSTOP, until {@link #thawPrimary()}) when {@link #canControlServers()}: only for
 * private local servers that belong to this handle alone ({@code @PlatformTest(isolatedServers = true)} or
 * {@link TestServers#privatePostgres(int)}). {@link #primaryProxy()} and {@link #replicaProxy(int)} put a
 * {@link FaultProxy} between client and server for latency and silent-network faults, with servers of any
 * source.
 *
 * <p>Thread-safe. {@link #close()} drops the database, and stops the servers when they are private to it. Each
 * {@code open...} call costs a new JDBC connection (no pool): close what you open.
 *
 * @since 0.1.0
 */
public final class PostgresCluster implements AutoCloseable {
    private final PgServers servers;
    private final PgEndpoint primary;
    private final List<PgEndpoint> replicas;
    private final String databaseName;
    private final Duration replicationTimeout;
    private final Duration connectTimeout;
    private final boolean exclusive;
    private final @Nullable ServerPool ownedPool;
    private final Map<Integer, FaultProxy> proxies = new HashMap<>();
    private volatile boolean closed;

    PostgresCluster(
            PgServers servers,
            PgEndpoint primary,
            List<PgEndpoint> replicas,
            String databaseName,
            Duration replicationTimeout,
            Duration connectTimeout,
            boolean exclusive,
            @Nullable ServerPool ownedPool) {
        this.servers = servers;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.databaseName = databaseName;
        this.replicationTimeout = replicationTimeout;
        this.connectTimeout = connectTimeout;
        this.exclusive = exclusive;
        this.ownedPool = ownedPool;
    }

    /**
     * Where the servers came from.
     *
     * @return {@code "settings"} (explicit URLs), {@code "testcontainers"}, {@code "local"} (private servers
     *     started from installed binaries) or {@code "maven"} (private servers from binaries from Maven Central)
     * @since 0.1.0
     */
    public String source() {
        return servers.source().label();
    }

    /**
     * The name of this database, the same on the primary and every replica.
     *
     * @return {@code t_<class>_<random>}
     * @since 0.1.0
     */
    public String databaseName() {
        return databaseName;
    }

    /**
     * The JDBC URL of this database on the primary.
     *
     * @return {@code jdbc:postgresql://host:port/<database>?user=...}
     * @since 0.1.0
     */
    public String primaryJdbcUrl() {
        return primary.jdbcUrl(databaseName);
    }

    /**
     * The JDBC URLs of this database on each replica, in a stable order.
     *
     * @return one URL per requested replica; empty when none were requested
     * @since 0.1.0
     */
    public List<String> replicaJdbcUrls() {
        List<String> urls = new ArrayList<>();
        for (PgEndpoint replica : replicas) {
            urls.add(replica.jdbcUrl(databaseName));
        }
        return List.copyOf(urls);
    }

    /**
     * The JDBC URL of this database on one replica.
     *
     * @param index 0-based, below the number of requested replicas
     * @return the URL
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.1.0
     */
    public String replicaJdbcUrl(int index) {
        return replica(index).jdbcUrl(databaseName);
    }

    /**
     * The JDBC URL of this database on the primary without user or password, as {@code DatabaseConfig}
     * wants it next to {@link #username()} and {@link #password()} (or the application role's own).
     *
     * @return {@code jdbc:postgresql://host:port/<database>} plus the server's non-credential parameters
     * @since 0.2.0
     */
    public String primaryJdbcUrlWithoutCredentials() {
        return withoutCredentials(primaryJdbcUrl());
    }

    /**
     * The JDBC URLs of this database on each replica without user or password, in a stable order.
     *
     * @return one URL per requested replica; empty when none were requested
     * @since 0.2.0
     */
    public List<String> replicaJdbcUrlsWithoutCredentials() {
        return replicaJdbcUrls().stream()
                .map(PostgresCluster::withoutCredentials)
                .toList();
    }

    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String parameter : url.substring(q + 1).split("&")) {
            String name = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
            if (name.equalsIgnoreCase("user") || name.equalsIgnoreCase("password") || parameter.isEmpty()) {
                continue;
            }
            kept.append(kept.length() == 0 ? '?' : '&').append(parameter);
        }
        return url.substring(0, q) + kept;
    }

    /**
     * Pauses WAL replay on one replica ({@code pg_wal_replay_pause()}): from now on it lags behind every
     * write, until {@link #resumeReplay(int)}. For tests of read-your-writes and lag-based routing.
     *
     * @param index 0-based replica index
     * @throws SQLException when the replica refuses or is stopped
     * @since 0.2.0
     */
    public void pauseReplay(int index) throws SQLException {
        onReplica(index, "SELECT pg_wal_replay_pause()");
    }

    /**
     * Resumes WAL replay on one replica ({@code pg_wal_replay_resume()}).
     *
     * @param index 0-based replica index
     * @throws SQLException when the replica refuses or is stopped
     * @since 0.2.0
     */
    public void resumeReplay(int index) throws SQLException {
        onReplica(index, "SELECT pg_wal_replay_resume()");
    }

    /**
     * Makes one replica apply each commit only {@code delay} after it happened on the primary
     * ({@code recovery_min_apply_delay}, reloaded at once); {@link Duration#ZERO} removes the delay.
     * The setting stays on the replica's server: use it with {@code isolatedServers = true}.
     *
     * @param index 0-based replica index
     * @param delay zero or positive
     * @throws SQLException when the replica refuses or is stopped
     * @since 0.2.0
     */
    public void setReplicaApplyDelay(int index, java.time.Duration delay) throws SQLException {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive (was " + delay + ")");
        }
        try (Connection c = openReplica(index);
                java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    private void onReplica(int index, String sql) throws SQLException {
        try (Connection c = openReplica(index);
                java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * The user the URLs log in as: a superuser, for test setup.
     *
     * @return the user name
     * @since 0.1.0
     */
    public String username() {
        return primary.user();
    }

    /**
     * The password the URLs carry.
     *
     * @return the password, or {@code ""} when the server trusts the user (private servers and containers)
     * @since 0.1.0
     */
    public String password() {
        String password = primary.password();
        return password == null ? "" : password;
    }

    /**
     * A non-pooling {@link DataSource} for this database on the primary; wrap it in a pool if needed.
     *
     * @return a new data source
     * @since 0.1.0
     */
    public DataSource primaryDataSource() {
        return dataSource(primaryJdbcUrl());
    }

    /**
     * A non-pooling {@link DataSource} for this database on one replica.
     *
     * @param index 0-based replica index
     * @return a new data source
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.1.0
     */
    public DataSource replicaDataSource(int index) {
        return dataSource(replicaJdbcUrl(index));
    }

    private static DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        return ds;
    }

    /**
     * Opens a connection to this database on the primary; the caller closes it.
     *
     * @return an open connection in auto-commit mode
     * @throws SQLException when the primary refuses or is stopped
     * @since 0.1.0
     */
    public Connection openPrimary() throws SQLException {
        return primary.connect(databaseName, connectTimeout);
    }

    /**
     * Opens a connection to this database on one replica; the caller closes it. Writes through it fail
     * with SQLState {@code 25006} (read-only transaction).
     *
     * @param index 0-based replica index
     * @return an open connection in auto-commit mode
     * @throws SQLException when the replica refuses or is stopped
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.1.0
     */
    public Connection openReplica(int index) throws SQLException {
        return replica(index).connect(databaseName, connectTimeout);
    }

    private PgEndpoint replica(int index) {
        if (index < 0 || index >= replicas.size()) {
            throw new IndexOutOfBoundsException("replica index " + index + " is out of range: this database has "
                    + replicas.size() + " replica(s); ask for more with @PlatformTest(replicas = " + (index + 1) + ")");
        }
        return replicas.get(index);
    }

    /**
     * Waits until every running replica has replayed everything the primary has written so far, so that rows
     * committed before this call are visible on them. Stopped replicas are skipped.
     *
     * @throws TestServersUnavailableException when a replica does not catch up within the replication timeout
     *     (30 s by default; the message names the replica and both WAL positions), or the primary is stopped
     * @since 0.1.0
     */
    public void awaitReplication() {
        if (replicas.isEmpty()) {
            return;
        }
        String target;
        try (Connection c = primary.connect(primary.database(), connectTimeout);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        } catch (SQLException e) {
            throw new TestServersUnavailableException(
                    "cannot read the WAL position of the primary " + primary.address() + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + replicationTimeout.toNanos();
        for (int i = 0; i < replicas.size(); i++) {
            if (servers.isRunning(i)) {
                awaitReplica(i, target, deadline);
            }
        }
    }

    private void awaitReplica(int index, String target, long deadline) {
        PgEndpoint replica = replicas.get(index);
        String replayed = "unknown";
        try (Connection c = replica.connect(replica.database(), connectTimeout);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn, pg_last_wal_replay_lsn()::text")) {
            ps.setString(1, target);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    replayed = rs.getString(2);
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new TestServersUnavailableException(
                            "replica " + index + " (" + replica.address()
                                    + ") did not replay the primary's WAL within " + replicationTimeout
                                    + ": replayed up to "
                                    + replayed + ", primary at " + target,
                            null);
                }
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            throw new TestServersUnavailableException(
                    "cannot read the replay position of replica " + index + " (" + replica.address() + "): "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServersUnavailableException("interrupted while waiting for replica " + index, e);
        }
    }

    /**
     * Whether {@link #stopPrimary()}, {@link #startPrimary()}, {@link #stopReplica(int)},
     * {@link #startReplica(int)} and the crash and freeze methods work: true only for private local servers that
     * belong to this handle alone.
     *
     * @return whether this handle may stop and start its servers
     * @since 0.1.0
     */
    public boolean canControlServers() {
        return exclusive && servers.controllable();
    }

    /**
     * Stops one replica (fast shutdown), keeping its data and port; connections to it fail until
     * {@link #startReplica(int)}. Idempotent.
     *
     * @param index 0-based replica index
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false; the message says why
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.1.0
     */
    public void stopReplica(int index) {
        replica(index);
        control().stop(index);
    }

    /**
     * Starts a stopped or crashed replica again on the same port (it checks the postmaster's real process, so a
     * {@code kill -9} from outside counts as stopped); it catches up with the primary by streaming. Returns once
     * it accepts read-only connections. Idempotent.
     *
     * @param index 0-based replica index
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.1.0
     */
    public void startReplica(int index) {
        replica(index);
        control().start(index);
    }

    /**
     * Stops the primary (fast shutdown), keeping its data and port. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @since 0.1.0
     */
    public void stopPrimary() {
        control().stop(-1);
    }

    /**
     * Starts the stopped or crashed primary again on the same port (after a crash, with crash recovery), whether
     * the kit or something else stopped it: it checks the postmaster's real process. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @since 0.1.0
     */
    public void startPrimary() {
        control().start(-1);
    }

    private PgServers control() {
        if (!servers.controllable()) {
            throw new UnsupportedOperationException(
                    "PostgreSQL servers from " + source() + " cannot be stopped, started,"
                            + " crashed or frozen by the test kit (use primaryProxy()/replicaProxy(i) for network faults); only private"
                            + " local servers can (unset " + TestServerSettings.POSTGRES_URL
                            + " and set " + TestServerSettings.SERVERS + "=local)");
        }
        if (!exclusive) {
            throw new UnsupportedOperationException(
                    "these PostgreSQL servers are shared by every test class of the JVM;"
                            + " use @PlatformTest(isolatedServers = true) or TestServers.privatePostgres(...) to stop, start, crash or"
                            + " freeze servers");
        }
        return servers;
    }

    /**
     * A {@link FaultProxy} in front of the primary, started on first call and closed with this handle; its
     * {@link FaultProxy#url()} is this database's JDBC URL through the proxy. Works with servers of every source.
     *
     * @return the primary's proxy (the same one on every call)
     * @since 0.3.0
     */
    public FaultProxy primaryProxy() {
        return proxy(-1, primary);
    }

    /**
     * A {@link FaultProxy} in front of one replica, started on first call and closed with this handle.
     *
     * @param index 0-based replica index
     * @return that replica's proxy (the same one on every call)
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.3.0
     */
    public FaultProxy replicaProxy(int index) {
        return proxy(index, replica(index));
    }

    private synchronized FaultProxy proxy(int node, PgEndpoint endpoint) {
        if (closed) {
            throw new IllegalStateException("this PostgresCluster is closed");
        }
        return proxies.computeIfAbsent(
                node,
                n -> FaultProxy.start(
                        endpoint.host(),
                        endpoint.port(),
                        port -> endpoint.withAddress("127.0.0.1", port).jdbcUrl(databaseName),
                        port -> withoutCredentials(
                                endpoint.withAddress("127.0.0.1", port).jdbcUrl(databaseName))));
    }

    /**
     * Kills the primary as a crash would: SIGKILL of its postmaster and every process it started (no shutdown
     * checkpoint; committed transactions are recovered from the WAL). {@link #startPrimary()} starts it again on
     * the same port, with crash recovery. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false; the message says why
     * @since 0.3.0
     */
    public void crashPrimary() {
        control().crash(-1);
    }

    /**
     * Kills one replica as a crash would (SIGKILL of its postmaster and processes); {@link #startReplica(int)}
     * starts it again, and it catches up by streaming. Idempotent.
     *
     * @param index 0-based replica index
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.3.0
     */
    public void crashReplica(int index) {
        replica(index);
        control().crash(index);
    }

    /**
     * Freezes the primary: SIGSTOP of its postmaster and every process it started, as a paused VM or a stuck
     * disk would. Its port still accepts TCP connections (the kernel does), open connections stay open, and
     * nothing answers until {@link #thawPrimary()}. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @throws IllegalStateException when the primary is not running
     * @since 0.3.0
     */
    public void freezePrimary() {
        control().freeze(-1);
    }

    /**
     * Resumes a frozen primary (SIGCONT); waiting statements carry on. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @since 0.3.0
     */
    public void thawPrimary() {
        control().thaw(-1);
    }

    /**
     * Freezes one replica (SIGSTOP of its postmaster and processes) until {@link #thawReplica(int)}.
     *
     * @param index 0-based replica index
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @throws IllegalStateException when the replica is not running
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.3.0
     */
    public void freezeReplica(int index) {
        replica(index);
        control().freeze(index);
    }

    /**
     * Resumes a frozen replica (SIGCONT). Idempotent.
     *
     * @param index 0-based replica index
     * @throws UnsupportedOperationException when {@link #canControlServers()} is false
     * @throws IndexOutOfBoundsException when there is no such replica
     * @since 0.3.0
     */
    public void thawReplica(int index) {
        replica(index);
        control().thaw(index);
    }

    /**
     * Drops the database (with {@code FORCE}, ending open sessions); the replicas follow. When the servers are
     * private to this handle, stops them too. Idempotent; a failure to drop is logged, never thrown.
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (this) {
            proxies.values().forEach(FaultProxy::close);
            proxies.clear();
        }
        if (ownedPool != null) {
            ownedPool.close();
            return;
        }
        if (exclusive) {
            // the servers belong to this handle's owner alone and are stopped with it: nothing to clean up
            return;
        }
        if (!servers.isRunning(-1)) {
            return;
        }
        try (Connection c = primary.connect(primary.database(), connectTimeout);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
        } catch (SQLException e) {
            LoggerFactory.getLogger(PostgresCluster.class)
                    .warn("Could not drop test database {} on {}", databaseName, primary.address(), e);
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster{database=" + databaseName + ", source=" + source() + ", primary=" + primary.address()
                + ", replicas=" + replicas.stream().map(PgEndpoint::address).toList() + '}';
    }
}
