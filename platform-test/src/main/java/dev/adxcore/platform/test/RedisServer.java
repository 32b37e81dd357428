package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.RedisHost;
import dev.adxcore.platform.test.internal.Resp;
import dev.adxcore.platform.test.internal.Urls;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server and a key prefix of its own ({@code t:<class>:<random>:}). {@link PlatformTest} hands
 * one to each test class; {@link TestServers} hands them out elsewhere. Test classes share the server, so
 * every key a test writes must start with {@link #keyPrefix()} (use {@link #key(String)}).
 *
 * <p>The server can be stopped and started again on the same port, crashed ({@link #crash()}, SIGKILL) and
 * frozen ({@link #freeze()}, SIGSTOP until {@link #thaw()}) when {@link #canControlServer()}: only for a
 * private local server that belongs to this handle alone; with {@code @PlatformTest(durableRedis = true)} (or
 * {@link TestServerSettings#REDIS_DURABLE}) it keeps every acknowledged write across a crash. {@link #proxy()}
 * puts a {@link FaultProxy} between client and server, with servers of any source. Thread-safe.
 * {@link #close()} deletes the keys under the prefix, and stops the server when it is private to this handle.
 * A handle on the shared server is cheap (a prefix and no connection of its own); closing it costs one
 * connection and a key scan.
 *
 * @since 0.1.0
 */
public final class RedisServer implements AutoCloseable {
    private static final String DELETE_PREFIX = "local keys = redis.call('KEYS', ARGV[1]) "
            + "for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end "
            + "return #keys";

    private final RedisHost host;
    private final String keyPrefix;
    private final Duration connectTimeout;
    private final boolean exclusive;
    private final @Nullable ServerPool ownedPool;
    private @Nullable FaultProxy proxy;
    private volatile boolean closed;

    RedisServer(
            RedisHost host,
            String keyPrefix,
            Duration connectTimeout,
            boolean exclusive,
            @Nullable ServerPool ownedPool) {
        this.host = host;
        this.keyPrefix = keyPrefix;
        this.connectTimeout = connectTimeout;
        this.exclusive = exclusive;
        this.ownedPool = ownedPool;
    }

    /**
     * Where the server came from.
     *
     * @return {@code "settings"}, {@code "testcontainers"}, {@code "local"} (installed binary) or {@code "maven"}
     *     (the binary from Maven Central)
     * @since 0.1.0
     */
    public String source() {
        return host.source().label();
    }

    /**
     * The server's URI, ready for Lettuce's {@code RedisClient.create(uri)} or {@code PLATFORM_EVENTS_URL}.
     *
     * @return {@code redis://[user:password@]host:port[/database]}, e.g. {@code redis://127.0.0.1:6379}
     * @since 0.1.0
     */
    public String uri() {
        return host.endpoint().uri();
    }

    /**
     * A ready event-bus URI for this test class ({@code PLATFORM_EVENTS_URL}, {@code EventBuses.open(uri)}):
     * this server with {@code streamKeyPrefix} set to {@link #keyPrefix()}{@code events:}, so the bus's
     * streams stay inside this handle's keys.
     *
     * @return {@code redis://host:port?streamKeyPrefix=t:<class>:<random>:events:}
     * @since 0.2.0
     */
    public String eventBusUri() {
        String base = uri();
        String prefix = java.net.URLEncoder.encode(keyPrefix + "events:", java.nio.charset.StandardCharsets.UTF_8);
        return base + (base.contains("?") ? "&" : "?") + "streamKeyPrefix=" + prefix;
    }

    /**
     * Like {@link #eventBusUri()}, through a proxy of this server (from {@link #proxy()}), so that tests can slow
     * down or silence the bus's network.
     *
     * @param through the proxy
     * @return {@code redis://127.0.0.1:<proxy port>?streamKeyPrefix=t:<class>:<random>:events:}
     * @since 0.3.0
     */
    public String eventBusUri(FaultProxy through) {
        String base = through.url();
        String prefix = java.net.URLEncoder.encode(keyPrefix + "events:", java.nio.charset.StandardCharsets.UTF_8);
        return base + (base.contains("?") ? "&" : "?") + "streamKeyPrefix=" + prefix;
    }

    /**
     * The server's host.
     *
     * @return host name or address
     * @since 0.1.0
     */
    public String host() {
        return host.endpoint().host();
    }

    /**
     * The server's port.
     *
     * @return TCP port
     * @since 0.1.0
     */
    public int port() {
        return host.endpoint().port();
    }

    /**
     * The prefix every key of this test class must start with.
     *
     * @return {@code t:<class>:<random>:}
     * @since 0.1.0
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * A key inside this handle's prefix.
     *
     * @param name the key's own part
     * @return {@link #keyPrefix()} followed by {@code name}
     * @since 0.1.0
     */
    public String key(String name) {
        return keyPrefix + Objects.requireNonNull(name, "name");
    }

    /**
     * Whether {@link #stop()} and {@link #start()} work: true only for a private local server that belongs to
     * this handle alone.
     *
     * @return whether this handle may stop and start its server
     * @since 0.1.0
     */
    public boolean canControlServer() {
        return exclusive && host.controllable();
    }

    /**
     * Stops the server, keeping its port; connections fail until {@link #start()}. Its data is lost unless the
     * server is {@link #isDurable() durable}. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false; the message says why
     * @since 0.1.0
     */
    public void stop() {
        control().stop();
    }

    /**
     * Starts the stopped or crashed server again on the same port and returns once it answers (a durable one
     * after loading its append-only file). It checks the real process, so a {@code kill -9} from outside counts
     * as stopped. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @since 0.1.0
     */
    public void start() {
        control().start();
    }

    /**
     * Kills the server with SIGKILL, as a crash would (no shutdown save); {@link #start()} starts it again on
     * the same port. A {@link #isDurable() durable} server keeps every write it acknowledged. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false; the message says why
     * @since 0.3.0
     */
    public void crash() {
        control().crash();
    }

    /**
     * Freezes the server (SIGSTOP, as a paused VM would): its port still accepts connections, open ones stay
     * open, nothing answers until {@link #thaw()}. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @throws IllegalStateException when the server is not running
     * @since 0.3.0
     */
    public void freeze() {
        control().freeze();
    }

    /**
     * Resumes a frozen server (SIGCONT); waiting commands carry on. Idempotent.
     *
     * @throws UnsupportedOperationException when {@link #canControlServer()} is false
     * @since 0.3.0
     */
    public void thaw() {
        control().thaw();
    }

    /**
     * Whether the server keeps every acknowledged write on disk across {@link #crash()} and {@link #start()}
     * ({@code appendonly yes}, {@code appendfsync always}): only private servers the kit started with
     * {@code @PlatformTest(durableRedis = true)} or {@link TestServerSettings#REDIS_DURABLE}.
     *
     * @return whether the server is durable
     * @since 0.3.0
     */
    public boolean isDurable() {
        return host.isDurable();
    }

    /**
     * A {@link FaultProxy} in front of the server, started on first call and closed with this handle; its
     * {@link FaultProxy#url()} is {@link #uri()} through the proxy. Works with servers of every source.
     *
     * @return the proxy (the same one on every call)
     * @since 0.3.0
     */
    public synchronized FaultProxy proxy() {
        if (closed) {
            throw new IllegalStateException("this RedisServer is closed");
        }
        FaultProxy current = proxy;
        if (current == null) {
            dev.adxcore.platform.test.internal.RedisEndpoint e = host.endpoint();
            current = FaultProxy.start(
                    e.host(),
                    e.port(),
                    port -> new dev.adxcore.platform.test.internal.RedisEndpoint(
                                    "127.0.0.1", port, e.database(), e.user(), e.password())
                            .uri(),
                    null);
            proxy = current;
        }
        return current;
    }

    private RedisHost control() {
        if (!host.controllable()) {
            throw new UnsupportedOperationException("a Redis server from " + source() + " cannot be stopped, started,"
                    + " crashed or frozen by the test kit (use proxy() for network faults); only a private local server can (unset "
                    + TestServerSettings.REDIS_URL + " and set "
                    + TestServerSettings.SERVERS + "=local)");
        }
        if (!exclusive) {
            throw new UnsupportedOperationException("this Redis server is shared by every test class of the JVM;"
                    + " use @PlatformTest(isolatedServers = true) or TestServers.privateRedis() to stop, start, crash or freeze"
                    + " it");
        }
        return host;
    }

    /**
     * Deletes every key under {@link #keyPrefix()}; when the server is private to this handle, stops it
     * instead. Idempotent; a failure is logged, never thrown.
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
        if (ownedPool != null) {
            ownedPool.close();
            return;
        }
        if (exclusive) {
            // the servers belong to this handle's owner alone and are stopped with it: nothing to clean up
            return;
        }
        try (Resp resp = Resp.connect(host.endpoint(), connectTimeout)) {
            resp.command("EVAL", DELETE_PREFIX, "0", keyPrefix + "*");
        } catch (IOException e) {
            LoggerFactory.getLogger(RedisServer.class)
                    .warn(
                            "Could not delete the keys under {} on {}",
                            keyPrefix,
                            host.endpoint().address(),
                            e);
        }
    }

    @Override
    public String toString() {
        return "RedisServer{uri=" + Urls.mask(uri()) + ", keyPrefix=" + keyPrefix + ", source=" + source() + '}';
    }
}
