package dev.adxcore.platform.database.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.CausalToken;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every replica on a fixed delay: does it answer, is it in recovery, how far has it replayed.
 * Each replica is probed over a connection of the monitor's own, outside the replica's pool, so that a
 * probe never waits for the pool's acquire timeout: it waits at most {@value #CONNECT_TIMEOUT_SECONDS} s to
 * connect and log in (a stopped server refuses at once) and {@link #probeTimeout(Duration)} for its query (a
 * frozen server or a silent network). A replica that comes back is in rotation after its next probe.
 * Lag is measured by WAL position, not by replay timestamp (which grows on an idle primary): the
 * monitor samples the primary's WAL position over time, and a replica's lag is the age of the oldest
 * primary sample it has not yet replayed.
 *
 * <p>Thread-safe. Costs a scheduler of one thread per replica plus one, and each interval one round trip to the
 * primary and to each replica; closed with the manager.
 */
public final class ReplicaMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaMonitor.class);
    private static final int MAX_SAMPLES = 4096;
    /** pgjdbc counts connect, login and socket timeouts in whole seconds: 1 is its smallest bound. */
    static final int CONNECT_TIMEOUT_SECONDS = 1;

    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Driver DRIVER = new Driver();

    private final HikariDataSource primary;
    private final List<Replica> replicas;
    private final Duration interval;
    private final Duration maxLag;
    private final int probeTimeoutMillis;
    private final Map<Replica, Connection> probeConnections = new ConcurrentHashMap<>();
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private volatile long primaryLsn;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    /**
     * Creates the monitor (not started).
     *
     * @param dbName the database name, for thread names
     * @param primary the primary's pool
     * @param replicas the replicas
     * @param interval the probe period
     * @param maxLag the configured lag bound, for logging transitions
     */
    public ReplicaMonitor(
            String dbName, HikariDataSource primary, List<Replica> replicas, Duration interval, Duration maxLag) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.interval = interval;
        this.maxLag = maxLag;
        this.probeTimeoutMillis = (int) probeTimeout(interval).toMillis();
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(replicas.size() + 1, r -> {
            Thread t = new Thread(r, dbName + "-replica-monitor-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = ex;
    }

    /**
     * How long one probe query may wait for the replica: the recheck interval, at most 1 s, so that a
     * frozen replica delays its next probe by no more than that.
     *
     * @param interval the recheck interval
     * @return min(interval, 1 s)
     */
    public static Duration probeTimeout(Duration interval) {
        return interval.compareTo(MAX_PROBE_TIMEOUT) < 0 ? interval : MAX_PROBE_TIMEOUT;
    }

    /** Probes everything once (so the first reads already know the replicas), then on the interval. */
    public void start() {
        samplePrimary();
        for (Replica r : replicas) {
            probe(r);
        }
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::samplePrimary, millis, millis, TimeUnit.MILLISECONDS);
        for (Replica r : replicas) {
            executor.scheduleWithFixedDelay(() -> probe(r), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Records the primary's current WAL position. Never throws; bounded by the primary pool's acquire and
     * socket timeouts.
     */
    public void samplePrimary() {
        try (Connection c = primary.getConnection();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                long lsn = CausalToken.parse(rs.getString(1)).lsn();
                recordPrimary(lsn, System.nanoTime());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not sample the primary's WAL position", e);
        }
    }

    private synchronized void recordPrimary(long lsn, long nanos) {
        primaryLsn = lsn;
        long[] last = samples.peekLast();
        if (last == null || Long.compareUnsigned(lsn, last[1]) > 0) {
            samples.addLast(new long[] {nanos, lsn});
            if (samples.size() > MAX_SAMPLES) {
                samples.removeFirst();
            }
        }
    }

    private synchronized long behindSince(long replayLsn) {
        for (Iterator<long[]> it = samples.iterator(); it.hasNext(); ) {
            long[] s = it.next();
            if (Long.compareUnsigned(s[1], replayLsn) > 0) {
                return s[0];
            }
        }
        return -1;
    }

    /**
     * Probes one replica now and updates its state. Never throws. Probes of one replica (the monitor's and
     * a health check's) take turns on its probe connection.
     *
     * @param r the replica
     */
    public void probe(Replica r) {
        synchronized (r) {
            if (!closed) {
                probeNow(r);
            }
        }
    }

    private void probeNow(Replica r) {
        boolean wasAvailable = r.isAvailable();
        String before = r.reason();
        try {
            boolean reused = probeConnections.containsKey(r);
            String[] answer;
            try {
                answer = ask(probeConnection(r));
            } catch (SQLException e) {
                if (!reused || timedOut(e)) {
                    throw e;
                }
                // the kept connection broke (the server restarted or closed it): one fresh try decides
                dropProbeConnection(r);
                answer = ask(probeConnection(r));
            }
            {
                String replay = answer[1];
                if (!"t".equals(answer[0]) || replay == null) {
                    if (r.markOut(
                            "not in recovery: promoted or not a replica, its data may diverge from the primary")) {
                        LOG.warn("{} - out of rotation: not in recovery (promoted or not a replica)", r.name());
                    }
                    return;
                }
                long lsn = CausalToken.parse(replay).lsn();
                long primaryNow = primaryLsn;
                long lagBytes = Long.compareUnsigned(primaryNow, lsn) > 0 ? primaryNow - lsn : 0;
                r.observed(lsn, lagBytes, behindSince(lsn));
            }
        } catch (SQLException | RuntimeException e) {
            dropProbeConnection(r);
            if (r.markOut("not answering: " + e.getMessage())) {
                LOG.warn("{} - out of rotation: not answering ({})", r.name(), e.getMessage());
            }
            return;
        }
        long lagMillis = TimeUnit.NANOSECONDS.toMillis(r.lagNanos(System.nanoTime()));
        if (!wasAvailable) {
            LOG.info(
                    "{} - in rotation (was: {}); replay lag {}ms, {} bytes", r.name(), before, lagMillis, r.lagBytes());
        } else if (lagMillis > maxLag.toMillis()) {
            LOG.debug("{} - replay lag {}ms exceeds maxReplicaLag {}ms", r.name(), lagMillis, maxLag.toMillis());
        }
    }

    /** @return pg_is_in_recovery() as "t"/"f" and the replay position, or null */
    private static String[] ask(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()::text, pg_last_wal_replay_lsn()::text")) {
            rs.next();
            String recovery = rs.getString(1);
            return new String[] {recovery == null ? "f" : recovery.substring(0, 1), rs.getString(2)};
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The monitor's own connection to {@code r}, opened with short bounds when there is none. */
    private Connection probeConnection(Replica r) throws SQLException {
        Connection c = probeConnections.get(r);
        if (c != null) {
            return c;
        }
        HikariDataSource pool = r.pool();
        Properties props = new Properties();
        props.putAll(pool.getDataSourceProperties());
        String user = pool.getUsername();
        if (user != null) {
            props.setProperty("user", user);
        }
        String password = pool.getPassword();
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", r.name() + "-monitor");
        String seconds = Integer.toString(CONNECT_TIMEOUT_SECONDS);
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        String url = pool.getJdbcUrl();
        Connection opened = DRIVER.connect(url, props);
        if (opened == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url, "08001");
        }
        try {
            opened.setNetworkTimeout(Runnable::run, probeTimeoutMillis);
            opened.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(opened);
            throw e;
        }
        probeConnections.put(r, opened);
        return opened;
    }

    private void dropProbeConnection(Replica r) {
        Connection c = probeConnections.remove(r);
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a probe connection failed", e);
        }
    }

    /** @return the primary's WAL position at the last sample */
    public long primaryLsn() {
        return primaryLsn;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Replica r : replicas) {
            synchronized (r) {
                dropProbeConnection(r);
            }
        }
    }
}
