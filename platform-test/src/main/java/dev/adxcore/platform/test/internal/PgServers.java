package dev.adxcore.platform.test.internal;

import java.util.List;

/**
 * A PostgreSQL primary with zero or more streaming hot standbys, however it was obtained. Implementations are
 * thread-safe; holding one is expensive (server processes or containers): close it once, when done.
 */
public interface PgServers extends AutoCloseable {

    /** @return where the servers came from */
    Source source();

    /** @return the primary, logged into its admin database */
    PgEndpoint primary();

    /**
     * Makes sure at least {@code count} replicas stream from the primary, starting more when this cluster
     * can, and returns the first {@code count}.
     *
     * @param count how many replicas the caller needs
     * @return exactly {@code count} replicas
     * @throws dev.adxcore.platform.test.TestServersUnavailableException when there cannot be that many
     */
    List<PgEndpoint> replicas(int count);

    /** @return whether {@link #stop} and {@link #start} work (private local servers only) */
    default boolean controllable() {
        return false;
    }

    /**
     * Whether a node is running (always true for servers this kit does not control).
     *
     * @param node -1 for the primary, else the 0-based replica index
     * @return whether it runs
     */
    default boolean isRunning(int node) {
        return true;
    }

    /**
     * Stops a node (fast shutdown), keeping its data and port. Idempotent.
     *
     * @param node -1 for the primary, else the 0-based replica index
     */
    default void stop(int node) {
        throw new UnsupportedOperationException(source().label() + " servers cannot be stopped by the test kit");
    }

    /**
     * Starts a stopped node again on its port. Idempotent.
     *
     * @param node -1 for the primary, else the 0-based replica index
     */
    default void start(int node) {
        throw new UnsupportedOperationException(source().label() + " servers cannot be started by the test kit");
    }

    /**
     * Kills a node and all its processes with SIGKILL, as a crash would; {@link #start} starts it again (with
     * crash recovery). Idempotent.
     *
     * @param node -1 for the primary, else the 0-based replica index
     */
    default void crash(int node) {
        throw new UnsupportedOperationException(source().label() + " servers cannot be crashed by the test kit");
    }

    /**
     * Suspends a node and all its processes (SIGSTOP): connections stay open, nothing answers.
     *
     * @param node -1 for the primary, else the 0-based replica index
     */
    default void freeze(int node) {
        throw new UnsupportedOperationException(source().label() + " servers cannot be frozen by the test kit");
    }

    /**
     * Resumes a frozen node (SIGCONT). Idempotent.
     *
     * @param node -1 for the primary, else the 0-based replica index
     */
    default void thaw(int node) {
        throw new UnsupportedOperationException(source().label() + " servers cannot be thawed by the test kit");
    }

    /** Stops what this cluster started; does nothing to servers it was only given. Idempotent. */
    @Override
    void close();
}
