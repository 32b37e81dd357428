package dev.adxcore.platform.test.internal;

/**
 * A Kafka broker handed to tests, however it was obtained. Implementations are thread-safe; holding one is
 * expensive (a broker process or container): close it once, when done.
 */
public interface KafkaHost extends AutoCloseable {
    /** @return where the broker came from */
    Source source();

    /** @return {@code host:port[,host:port]} for {@code bootstrap.servers} */
    String bootstrapServers();

    /** @return whether {@link #stop}, {@link #start} and {@link #kill} work (private local brokers only) */
    default boolean controllable() {
        return false;
    }

    /** Stops the broker cleanly (SIGTERM), keeping its port and data. Idempotent. */
    default void stop() {
        throw new UnsupportedOperationException(source().label() + " Kafka cannot be stopped by the test kit");
    }

    /** Kills the broker (SIGKILL), keeping its port and data. Idempotent. */
    default void kill() {
        throw new UnsupportedOperationException(source().label() + " Kafka cannot be killed by the test kit");
    }

    /** Starts the stopped broker again on its port with its data. Idempotent. */
    default void start() {
        throw new UnsupportedOperationException(source().label() + " Kafka cannot be started by the test kit");
    }

    /** Suspends the broker's process (SIGSTOP): connections stay open, nothing answers. */
    default void freeze() {
        throw new UnsupportedOperationException(source().label() + " Kafka cannot be frozen by the test kit");
    }

    /** Resumes a frozen broker (SIGCONT). Idempotent. */
    default void thaw() {
        throw new UnsupportedOperationException(source().label() + " Kafka cannot be thawed by the test kit");
    }

    /** Stops the broker if this kit started it, and deletes its files. Idempotent. */
    @Override
    void close();
}
