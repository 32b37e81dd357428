package dev.adxcore.platform.test.internal;

/**
 * A Redis server handed to tests, however it was obtained. Implementations are thread-safe; holding one is
 * expensive (a server process or container): close it once, when done.
 */
public interface RedisHost extends AutoCloseable {
    /** @return where the server came from */
    Source source();

    /** @return how to reach it */
    RedisEndpoint endpoint();

    /** @return whether {@link #stop} and {@link #start} work (private local servers only) */
    default boolean controllable() {
        return false;
    }

    /** Stops the server, keeping its port. Idempotent. */
    default void stop() {
        throw new UnsupportedOperationException(source().label() + " Redis cannot be stopped by the test kit");
    }

    /** Starts the stopped server again on its port. Idempotent. */
    default void start() {
        throw new UnsupportedOperationException(source().label() + " Redis cannot be started by the test kit");
    }

    /** Kills the server with SIGKILL, as a crash would; {@link #start} starts it again. Idempotent. */
    default void crash() {
        throw new UnsupportedOperationException(source().label() + " Redis cannot be crashed by the test kit");
    }

    /** Suspends the server (SIGSTOP): connections stay open, nothing answers. */
    default void freeze() {
        throw new UnsupportedOperationException(source().label() + " Redis cannot be frozen by the test kit");
    }

    /** Resumes a frozen server (SIGCONT). Idempotent. */
    default void thaw() {
        throw new UnsupportedOperationException(source().label() + " Redis cannot be thawed by the test kit");
    }

    /** @return whether the server keeps every write on disk across a crash (appendonly, fsync always) */
    default boolean isDurable() {
        return false;
    }

    /** Stops the server if this kit started it. Idempotent. */
    @Override
    void close();
}
