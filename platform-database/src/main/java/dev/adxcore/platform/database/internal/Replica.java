package dev.adxcore.platform.database.internal;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One replica's pool and its health as last observed. Written by the monitor (and by readers that see
 * it fail), read lock-free by the router. Thread-safe (volatile fields). Holds the replica's connection pool,
 * an expensive resource closed with the manager.
 */
public final class Replica {

    private final String name;
    private final HikariDataSource pool;
    private volatile boolean available;
    private volatile String reason = "not probed yet";
    private volatile long replayLsn;
    private volatile long lagBytes;
    /** System.nanoTime() since which the replica is missing WAL the primary had then; -1 when caught up. */
    private volatile long behindSinceNanos = -1;

    /**
     * Creates the replica's state: out of rotation until its first probe.
     *
     * @param name the pool name
     * @param pool its pool
     */
    public Replica(String name, HikariDataSource pool) {
        this.name = name;
        this.pool = pool;
    }

    /** @return the pool name */
    public String name() {
        return name;
    }

    /** @return its pool */
    public HikariDataSource pool() {
        return pool;
    }

    /** @return whether it answers and is in recovery (lag is judged per read) */
    public boolean isAvailable() {
        return available;
    }

    /** @return why it is out of rotation, or "in rotation" */
    public String reason() {
        return reason;
    }

    /** @return the last observed replay position */
    public long replayLsn() {
        return replayLsn;
    }

    /** @return bytes of WAL the primary had at the last sample that the replica had not replayed */
    public long lagBytes() {
        return lagBytes;
    }

    /**
     * Estimated replay lag now: how long ago the primary wrote the oldest WAL the replica has not
     * replayed, at sampling resolution; zero when the replica had replayed all WAL the primary had.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return the lag in nanoseconds
     */
    public long lagNanos(long nowNanos) {
        long since = behindSinceNanos;
        return since < 0 ? 0 : Math.max(0, nowNanos - since);
    }

    void observed(long replayLsn, long lagBytes, long behindSinceNanos) {
        this.replayLsn = replayLsn;
        this.lagBytes = lagBytes;
        this.behindSinceNanos = behindSinceNanos;
        this.reason = "in rotation";
        this.available = true;
    }

    /**
     * Raises the known replay position (from a live check by a causal read).
     *
     * @param lsn the replay position just read from the replica
     */
    public void replayedAtLeast(long lsn) {
        if (Long.compareUnsigned(lsn, replayLsn) > 0) {
            replayLsn = lsn;
        }
    }

    /**
     * Takes the replica out of rotation until the monitor sees it healthy again.
     *
     * @param why the reason, shown in health and logs
     * @return true if it was in rotation before
     */
    public boolean markOut(String why) {
        boolean was = available;
        this.available = false;
        this.reason = why;
        return was;
    }
}
