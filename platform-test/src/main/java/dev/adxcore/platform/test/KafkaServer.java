package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.KafkaHost;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A real Kafka broker and a topic prefix of its own ({@code t.<class>.<random>.}). {@link PlatformTest} hands one
 * to each test class that declares a parameter of this type; {@link TestServers#kafka()} hands them out elsewhere.
 * Test classes share the broker, so every topic a test uses must start with {@link #topicPrefix()} (use
 * {@link #topic(String)}); consumer group ids should be unique per test class too.
 *
 * <p>Where the broker comes from (see the module README): {@code PLATFORM_TEST_KAFKA_BOOTSTRAP_SERVERS}, else
 * Testcontainers' Kafka when a Docker daemon answers, else a private single-node KRaft broker in a child JVM,
 * which needs the test dependency {@code dev.adxcore:platform-test-kafka} (the server jars).
 *
 * <p>The broker can be stopped, killed and started again on the same port with its data when
 * {@link #canControlServer()}: only for a private local broker that belongs to this handle alone
 * ({@code @PlatformTest(isolatedServers = true)} or {@link TestServers#privateKafka()}). Thread-safe. Topics are
 * not deleted by {@link #close()}: the kit's brokers are throwaway; on an explicit broker, the prefix keeps
 * test runs apart. A handle on the shared broker is cheap (a prefix); the broker's first start costs seconds
 * (a child JVM or a container).
 *
 * @since 0.1.0
 */
public final class KafkaServer implements AutoCloseable {
    private final KafkaHost host;
    private final String topicPrefix;
    private final boolean exclusive;
    private volatile boolean closed;

    KafkaServer(KafkaHost host, String topicPrefix, boolean exclusive) {
        this.host = host;
        this.topicPrefix = topicPrefix;
        this.exclusive = exclusive;
    }

    /**
     * Where the broker came from.
     *
     * @return {@code "settings"}, {@code "testcontainers"} or {@code "local"}
     * @since 0.1.0
     */
    public String source() {
        return host.source().label();
    }

    /**
     * The broker's address for {@code bootstrap.servers}.
     *
     * @return {@code host:port[,host:port]}, e.g. {@code 127.0.0.1:40791}
     * @since 0.1.0
     */
    public String bootstrapServers() {
        return host.bootstrapServers();
    }

    /**
     * The broker as an event bus URI, ready for {@code EventBuses.open} with {@code platform-events-kafka}.
     *
     * @return {@code kafka://host:port[,host:port]}
     * @since 0.1.0
     */
    public String uri() {
        return "kafka://" + host.bootstrapServers();
    }

    /**
     * The prefix every topic of this test class must start with.
     *
     * @return {@code t.<class>.<random>.}
     * @since 0.1.0
     */
    public String topicPrefix() {
        return topicPrefix;
    }

    /**
     * A topic name inside this handle's prefix.
     *
     * @param name the topic's own part ({@code [A-Za-z0-9._-]})
     * @return {@link #topicPrefix()} followed by {@code name}
     * @since 0.1.0
     */
    public String topic(String name) {
        return topicPrefix + Objects.requireNonNull(name, "name");
    }

    /**
     * Whether {@link #stop()}, {@link #kill()} and {@link #start()} work: true only for a private local broker that
     * belongs to this handle alone.
     *
     * @return whether this handle may stop and start its broker
     * @since 0.1.0
     */
    public boolean canControlServer() {
        return exclusive && host.controllable();
    }

    /**
     * Stops the broker cleanly (SIGTERM: it flushes and closes its logs), keeping its port and data; clients fail
     * until {@link #start()}. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false; the message says why
     * @since 0.1.0
     */
    public void stop() {
        control().stop();
    }

    /**
     * Kills the broker with SIGKILL (no clean shutdown), keeping its port and data. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @since 0.1.0
     */
    public void kill() {
        control().kill();
    }

    /**
     * Crashes the broker: the same as {@link #kill()} (SIGKILL), named like the other servers' crash methods.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @since 0.3.0
     */
    public void crash() {
        control().kill();
    }

    /**
     * Freezes the broker (SIGSTOP of its JVM, as a paused VM would): its port still accepts connections, open
     * ones stay open, nothing answers until {@link #thaw()}. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @throws IllegalStateException when the broker is not running
     * @since 0.3.0
     */
    public void freeze() {
        control().freeze();
    }

    /**
     * Resumes a frozen broker (SIGCONT). Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @since 0.3.0
     */
    public void thaw() {
        control().thaw();
    }

    /**
     * Starts the stopped or killed broker again on the same port with its data (it checks the real process, so a
     * {@code kill -9} from outside counts as stopped); returns once it is in its cluster metadata. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @throws TestServersUnavailableException when it does not come back
     * @since 0.1.0
     */
    public void start() {
        control().start();
    }

    private KafkaHost control() {
        if (!host.controllable()) {
            throw new UnsupportedOperationException(
                    "a Kafka broker from " + source() + " cannot be stopped or started by"
                            + " the test kit (nor crashed or frozen); only a private local broker can (unset PLATFORM_TEST_KAFKA_BOOTSTRAP_SERVERS, set "
                            + TestServerSettings.SERVERS
                            + "=local and add the test dependency dev.adxcore:platform-test-kafka)");
        }
        if (!exclusive) {
            throw new UnsupportedOperationException("this Kafka broker is shared by every test class of the JVM;"
                    + " use @PlatformTest(isolatedServers = true) or TestServers.privateKafka() to stop and start it");
        }
        return host;
    }

    /**
     * Stops the broker when it is private to this handle; otherwise does nothing (topics stay, see the class
     * description). Idempotent; never throws.
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (exclusive) {
            host.close();
        }
    }

    @Override
    public String toString() {
        return "KafkaServer{bootstrapServers=" + bootstrapServers() + ", topicPrefix=" + topicPrefix + ", source="
                + source() + '}';
    }

    /** A prefix for a test class: {@code t.<class, lower case>.<8 hex digits>.}. */
    static String prefixFor(@Nullable String className) {
        String unique = ServerPool.uniqueName("t.", className == null ? "" : className, ".");
        return unique.replace('_', '-') + ".";
    }
}
