package dev.adxcore.platform.database.internal;

import dev.adxcore.platform.database.CausalToken;
import dev.adxcore.platform.database.ReadConsistency;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the replica a read may use: round-robin over the replicas in rotation that satisfy the
 * read's {@link ReadConsistency} (lag within the bound, or replayed past the causal token). Holds no
 * connections of its own. Thread-safe. Choosing is lock-free and costs a scan of the replicas' cached state;
 * only {@link #causalCandidate} costs a round trip, on the replica it asks.
 */
public final class ReadRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ReadRouter.class);

    private final Replica[] replicas;
    private final Duration maxReplicaLag;
    private final AtomicInteger roundRobin = new AtomicInteger();

    /**
     * @param replicas the replicas, in configuration order
     * @param maxReplicaLag the lag bound of reads that state none
     */
    public ReadRouter(List<Replica> replicas, Duration maxReplicaLag) {
        this.replicas = replicas.toArray(new Replica[0]);
        this.maxReplicaLag = maxReplicaLag;
    }

    /** @return the number of replicas */
    public int size() {
        return replicas.length;
    }

    /**
     * A replica that satisfies the consistency from the monitor's cached state.
     *
     * @param consistency the read's consistency
     * @return the replica, or null when none does
     */
    public @Nullable Replica choose(ReadConsistency consistency) {
        int n = replicas.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        long now = System.nanoTime();
        long maxLagNanos = consistency.maxLag().orElse(maxReplicaLag).toNanos();
        long token = consistency.token().map(CausalToken::lsn).orElse(0L);
        boolean causal = consistency.kind() == ReadConsistency.Kind.CAUSAL;
        for (int i = 0; i < n; i++) {
            Replica r = replicas[(start + i) % n];
            if (!r.isAvailable()) {
                continue;
            }
            if (causal ? Long.compareUnsigned(r.replayLsn(), token) >= 0 : r.lagNanos(now) <= maxLagNanos) {
                return r;
            }
        }
        return null;
    }

    /** @return the next replica in rotation regardless of lag, or null when none is in rotation */
    public @Nullable Replica nextAvailable() {
        int n = replicas.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Replica r = replicas[(start + i) % n];
            if (r.isAvailable()) {
                return r;
            }
        }
        return null;
    }

    /** @return whether any replica is in rotation */
    public boolean anyAvailable() {
        for (Replica r : replicas) {
            if (r.isAvailable()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks one replica directly whether it has replayed past a causal token (its cached position was older).
     *
     * @param r the replica
     * @param token the token's LSN
     * @return a connection of that replica when it has, to run the read on; else null
     */
    public @Nullable Connection causalCandidate(Replica r, long token) {
        Connection c = null;
        try {
            c = r.pool().getConnection();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
                rs.next();
                String replay = rs.getString(1);
                if (replay != null) {
                    long lsn = CausalToken.parse(replay).lsn();
                    r.replayedAtLeast(lsn);
                    if (Long.compareUnsigned(lsn, token) >= 0) {
                        return c;
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException s
                    && SqlErrors.isConnectionFailure(s)
                    && r.markOut("failed during a read: " + e.getMessage())) {
                LOG.warn("{} - out of rotation: failed during a read ({})", r.name(), e.getMessage());
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing a pooled connection failed", e);
            }
        }
        return null;
    }
}
