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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every replica on a fixed delay: does it answer, is it in recovery, how far has it replayed.
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

    private final HikariDataSource primary;
    private final List<Replica> replicas;
    private final Duration interval;
    private final Duration maxLag;
    private final int queryTimeoutSeconds;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private volatile long primaryLsn;
    private final ScheduledExecutorService executor;

    /**
     * Creates the monitor (not started).
     *
     * @param dbName the database name, for thread names
     * @param primary the primary's pool
     * @param replicas the replicas
     * @param interval the probe period
     * @param maxLag the configured lag bound, for logging transitions
     * @param queryTimeout bound of each probe query
     */
    public ReplicaMonitor(String dbName, HikariDataSource primary, List<Replica> replicas, Duration interval,
            Duration maxLag, Duration queryTimeout) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.interval = interval;
        this.maxLag = maxLag;
        this.queryTimeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
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

    /** Records the primary's current WAL position. Never throws. */
    public void samplePrimary() {
        try (Connection c = primary.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(queryTimeoutSeconds);
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
     * Probes one replica now and updates its state. Never throws.
     *
     * @param r the replica
     */
    public void probe(Replica r) {
        boolean wasAvailable = r.isAvailable();
        String before = r.reason();
        try (Connection c = r.pool().getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
                rs.next();
                String replay = rs.getString(2);
                if (!rs.getBoolean(1) || replay == null) {
                    if (r.markOut("not in recovery: promoted or not a replica, its data may diverge from the primary")) {
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
            if (r.markOut("not answering: " + e.getMessage())) {
                LOG.warn("{} - out of rotation: not answering ({})", r.name(), e.getMessage());
            }
            return;
        }
        long lagMillis = TimeUnit.NANOSECONDS.toMillis(r.lagNanos(System.nanoTime()));
        if (!wasAvailable) {
            LOG.info("{} - in rotation (was: {}); replay lag {}ms, {} bytes", r.name(), before, lagMillis, r.lagBytes());
        } else if (lagMillis > maxLag.toMillis()) {
            LOG.debug("{} - replay lag {}ms exceeds maxReplicaLag {}ms", r.name(), lagMillis, maxLag.toMillis());
        }
    }

    /** @return the primary's WAL position at the last sample */
    public long primaryLsn() {
        return primaryLsn;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
