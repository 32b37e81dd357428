package dev.adxcore.platform.database;

import dev.adxcore.platform.core.PlatformContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a read-only unit of work can accept, which decides the server it runs on. Immutable and thread-safe;
 * cheap (the common kinds are shared constants).
 * <ul>
 *   <li>{@link #latest()}: the primary; sees every committed write.</li>
 *   <li>{@link #replica()}: any healthy replica within the configured lag bound, round-robin; the
 *       primary when none is.</li>
 *   <li>{@link #replica(Duration)}: the same with a stated lag bound.</li>
 *   <li>{@link #causal(CausalToken)}: a replica that has replayed at least the given write, otherwise
 *       the primary: read-your-writes, across requests.</li>
 *   <li>{@link #readYourWrites()}: {@code causal} with the causal token of the bound
 *       {@link dev.adxcore.platform.core.PlatformContext} (set by the flow's own writes, by an
 *       {@code X-Causal-Token} request header, or by the event or activity that caused the work), else
 *       {@code replica()}; decided when the read runs.</li>
 * </ul>
 * A read inside a read-write unit of work always uses that unit's primary connection, whatever it asks.
 *
 * @since 0.1.0
 */
public final class ReadConsistency {

    /**
     * The kind of consistency; also the {@code consistency} tag of the read metrics.
     *
     * @since 0.1.0
     */
    public enum Kind {
        /** The primary. */
        LATEST,
        /** Any healthy replica within a lag bound. */
        REPLICA,
        /** A replica that has replayed a given write. */
        CAUSAL
    }

    private static final ReadConsistency LATEST = new ReadConsistency(Kind.LATEST, null, null);
    private static final ReadConsistency REPLICA = new ReadConsistency(Kind.REPLICA, null, null);
    private static final ReadConsistency READ_YOUR_WRITES = new ReadConsistency(Kind.REPLICA, null, null);

    private final Kind kind;
    private final @Nullable Duration maxLag;
    private final @Nullable CausalToken token;

    private ReadConsistency(Kind kind, @Nullable Duration maxLag, @Nullable CausalToken token) {
        this.kind = kind;
        this.maxLag = maxLag;
        this.token = token;
    }

    /**
     * Read from the primary.
     *
     * @return the latest consistency
     */
    public static ReadConsistency latest() {
        return LATEST;
    }

    /**
     * Read from any healthy replica within {@link DatabaseConfig#maxReplicaLag()}.
     *
     * @return the replica consistency
     */
    public static ReadConsistency replica() {
        return REPLICA;
    }

    /**
     * Read from any healthy replica whose estimated replay lag is at most {@code maxLag}.
     *
     * @param maxLag the staleness the caller accepts; zero means "fully caught up at the last probe"
     * @return the replica consistency with a lag bound
     * @throws IllegalArgumentException when {@code maxLag} is negative
     */
    public static ReadConsistency replica(Duration maxLag) {
        Objects.requireNonNull(maxLag, "maxLag");
        if (maxLag.isNegative()) {
            throw new IllegalArgumentException("maxLag must be >= 0 (was " + maxLag.toMillis() + "ms)");
        }
        return new ReadConsistency(Kind.REPLICA, maxLag, null);
    }

    /**
     * Read from a replica that has replayed at least the write that produced {@code token}, or the primary.
     *
     * @param token from {@link Committed#token()}
     * @return the causal consistency
     */
    public static ReadConsistency causal(CausalToken token) {
        return new ReadConsistency(Kind.CAUSAL, null, Objects.requireNonNull(token, "token"));
    }

    /**
     * Read-your-writes by the bound {@link dev.adxcore.platform.core.PlatformContext}: when the read runs,
     * a context with a causal token makes it {@link #causal(CausalToken)} with that token; without one it is
     * {@link #replica()}. A token in the context that is not a PostgreSQL WAL position (it came from
     * outside) makes the read use the primary, which is always consistent.
     *
     * @return the context-following consistency
     */
    public static ReadConsistency readYourWrites() {
        return READ_YOUR_WRITES;
    }

    /**
     * What this consistency means on the current thread now: {@link #readYourWrites()} resolved against
     * the bound context; any other consistency is returned as it is.
     */
    ReadConsistency resolved() {
        if (this != READ_YOUR_WRITES) {
            return this;
        }
        Optional<String> token = PlatformContext.current().flatMap(PlatformContext::causalToken);
        if (token.isEmpty()) {
            return REPLICA;
        }
        try {
            return causal(CausalToken.parse(token.get()));
        } catch (IllegalArgumentException e) {
            return LATEST;
        }
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return the stated lag bound of a {@link Kind#REPLICA} read, empty for the configured default */
    public Optional<Duration> maxLag() {
        return Optional.ofNullable(maxLag);
    }

    /** @return the token of a {@link Kind#CAUSAL} read */
    public Optional<CausalToken> token() {
        return Optional.ofNullable(token);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case LATEST -> "latest";
            case REPLICA ->
                this == READ_YOUR_WRITES
                        ? "readYourWrites"
                        : maxLag == null ? "replica" : "replica(maxLag=" + maxLag + ")";
            case CAUSAL -> "causal(" + token + ")";
        };
    }
}
