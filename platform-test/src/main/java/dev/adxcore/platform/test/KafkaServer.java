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
 * <p>The broker can be stopped, killed, crashed, frozen and started again on the same port with its data, and
 * reached through a {@link #proxy() fault proxy}, when {@link #canControlServer()}: only for a private local
 * broker that belongs to this handle alone
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
    private @Nullable FaultProxy proxy;
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
     * The broker as an event bus URI through a proxy of {@link #proxy()}.
     *
     * @param proxy this handle's {@link #proxy()}
     * @return {@code kafka://127.0.0.1:<proxy port>}
     * @since 0.3.0
     */
    public String uri(FaultProxy proxy) {
        return "kafka://" + Objects.requireNonNull(proxy, "proxy").url();
    }

    /**
     * A {@link FaultProxy} between clients and the broker, started on first call and closed with this handle; its
     * {@link FaultProxy#url()} is a {@code bootstrap.servers} value ({@code 127.0.0.1:<proxy port>}, see
     * {@link #uri(FaultProxy)}). A Kafka client connects to the bootstrap address once and then to the addresses
     * the broker advertises, so the broker has a listener of its own for the proxy that advertises the proxy's
     * port: every connection of a client bootstrapped through the proxy goes through it, and clients that use
     * {@link #bootstrapServers()} never do. Latency, blackhole and reset therefore reach produce, fetch,
     * metadata and group requests alike, and survive {@link #crash()} and {@link #start()}.
     *
     * <p>Only for a private local broker of this handle ({@link #canControlServer()}): a broker from settings or
     * a container advertises its own address, which a proxy cannot change.
     *
     * @return the proxy (the same one on every call)
     * @throws UnsupportedOperationException when the broker is not a private local one of this handle
     * @throws IllegalStateException when this handle is closed
     * @since 0.3.0
     */
    public synchronized FaultProxy proxy() {
        if (closed) {
            throw new IllegalStateException("this KafkaServer is closed");
        }
        FaultProxy current = proxy;
        if (current == null) {
            KafkaHost.ProxyPath path = control()
                    .proxyPath()
                    .orElseThrow(() -> new UnsupportedOperationException(
                            "a Kafka broker from " + source() + " has no listener for a fault proxy"));
            current = FaultProxy.start(
                    path.proxyListener(), "127.0.0.1", path.brokerPort(), port -> "127.0.0.1:" + port, null);
            proxy = current;
        }
        return current;
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
                            + " the test kit (nor crashed, frozen or proxied: it advertises its own address); only a private"
                            + " local broker can (unset PLATFORM_TEST_KAFKA_BOOTSTRAP_SERVERS, set "
                            + TestServerSettings.SERVERS
                            + "=local and add the test dependency dev.adxcore:platform-test-kafka)");
        }
        if (!exclusive) {
            throw new UnsupportedOperationException("this Kafka broker is shared by every test class of the JVM;"
                    + " use @PlatformTest(isolatedServers = true) or TestServers.privateKafka() to stop, start, crash,"
                    + " freeze or proxy it");
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
        synchronized (this) {
            if (proxy != null) {
                proxy.close();
                proxy = null;
            }
        }
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
