package dev.adxcore.platform.test.internal;

import java.net.ServerSocket;
import java.util.Optional;

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

    /**
     * The path for a fault proxy, when the broker has one: a listener of the broker that advertises the address
     * of {@link ProxyPath#proxyListener()} (reserved, not yet accepting), so that clients bootstrapped through a
     * proxy on that socket reconnect through it too.
     *
     * @return the path (private local brokers only)
     */
    default Optional<ProxyPath> proxyPath() {
        return Optional.empty();
    }

    /**
     * A broker listener for a proxy.
     *
     * @param proxyListener the socket the proxy accepts on: the broker advertises its port
     * @param brokerPort the broker's own port for this listener, where the proxy forwards to (127.0.0.1)
     */
    record ProxyPath(ServerSocket proxyListener, int brokerPort) {}

    /** Stops the broker if this kit started it, and deletes its files. Idempotent. */
    @Override
    void close();
}
