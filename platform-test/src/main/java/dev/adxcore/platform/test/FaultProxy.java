package dev.adxcore.platform.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small TCP proxy on 127.0.0.1 in front of one server, that a test can slow down or silence: the
 * network faults a server crash does not show. Point the code under test at {@link #url()} (or
 * {@link #host()}/{@link #port()}) instead of the server's own address, then switch faults on and off
 * while it runs:
 *
 * <ul>
 *   <li>{@link #latency(Duration)}: every chunk of bytes, in each direction, is held that long before it is
 *       forwarded, so a request/response round trip takes at least twice as long more;</li>
 *   <li>{@link #blackhole()}: connections (open and new) are accepted but nothing is forwarded in either
 *       direction and nothing is closed: the client's reads hang as behind a silent network or a paused
 *       VM. Bytes sent meanwhile wait in the proxy and the kernel's buffers;</li>
 *   <li>{@link #restore()}: back to forwarding at full speed; waiting bytes flow on, so connections that
 *       survived the fault on the client's side keep working;</li>
 *   <li>{@link #resetConnections()}: closes every connection through the proxy, as a network reset.</li>
 * </ul>
 *
 * <p>{@link PostgresCluster#primaryProxy()}, {@link PostgresCluster#replicaProxy(int)} and
 * {@link RedisServer#proxy()} hand out proxies whose {@link #url()} is a ready JDBC URL or Redis URI; they
 * work with servers from every source (explicit settings and containers too) and are closed with their
 * handle. {@link KafkaServer#proxy()} hands out one whose {@link #url()} is {@code bootstrap.servers}, for the
 * kit's private broker only (the broker advertises the proxy's address, so clients stay behind it). {@link #start(String, int)} puts one in front of any other TCP server.
 *
 * <pre>{@code
 * FaultProxy proxy = pg.primaryProxy();
 * DatabaseConfig config = DatabaseConfig.builder().primaryUrl(proxy.urlWithoutCredentials())...build();
 * proxy.blackhole();              // the network goes silent: statements hang until the client's timeout
 * proxy.restore();
 * proxy.latency(Duration.ofMillis(200));
 * }</pre>
 *
 * <p>Thread-safe. Costs one thread to accept and two per open connection. {@link #close()} stops it and
 * closes its connections.
 *
 * @since 0.3.0
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final String url;
    private final String urlWithoutCredentials;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile long latencyNanos;
    private volatile boolean blackholed;
    private volatile boolean closed;

    private FaultProxy(
            String targetHost,
            int targetPort,
            ServerSocket listener,
            @Nullable String url,
            @Nullable String urlWithoutCredentials) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listener;
        String address = host() + ':' + listener.getLocalPort();
        this.url = url == null ? address : url;
        this.urlWithoutCredentials = urlWithoutCredentials == null ? this.url : urlWithoutCredentials;
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1 that forwards every connection to {@code host:port}.
     *
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy, forwarding at full speed; its {@link #url()} is {@code 127.0.0.1:<port>}
     * @throws TestServersUnavailableException when no local port can be opened
     * @since 0.3.0
     */
    public static FaultProxy start(String host, int port) {
        return start(host, port, null, null);
    }

    /** Starts a proxy whose {@link #url()} the kit builds from its port. */
    static FaultProxy start(String host, int port, @Nullable UrlForPort url, @Nullable UrlForPort withoutCredentials) {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 (was " + port + ")");
        }
        ServerSocket listener;
        try {
            listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot open a port for a fault proxy: " + e.getMessage(), e);
        }
        return start(listener, host, port, url, withoutCredentials);
    }

    /**
     * Starts a proxy on a listener bound before (a Kafka broker advertises the proxy's port, so the kit reserves
     * it when it writes the broker's configuration); the proxy owns the listener from then on.
     */
    static FaultProxy start(
            ServerSocket listener,
            String host,
            int port,
            @Nullable UrlForPort url,
            @Nullable UrlForPort withoutCredentials) {
        int local = listener.getLocalPort();
        FaultProxy proxy = new FaultProxy(
                host,
                port,
                listener,
                url == null ? null : url.url(local),
                withoutCredentials == null ? null : withoutCredentials.url(local));
        Thread acceptor = new Thread(proxy::acceptLoop, "platform-test-proxy-" + local + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.debug("Fault proxy 127.0.0.1:{} -> {}:{} started", local, host, port);
        return proxy;
    }

    /** Builds a URL for a proxy port. */
    @FunctionalInterface
    interface UrlForPort {
        String url(int port);
    }

    /**
     * The proxy's host.
     *
     * @return {@code 127.0.0.1}
     * @since 0.3.0
     */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * The proxy's port.
     *
     * @return the local TCP port clients connect to
     * @since 0.3.0
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Where clients should connect: for proxies of the kit's handles the server's URL with the proxy's address
     * (a JDBC URL with credentials for PostgreSQL, a {@code redis://} URI for Redis), else {@code host:port}.
     *
     * @return the URL
     * @since 0.3.0
     */
    public String url() {
        return url;
    }

    /**
     * {@link #url()} without user and password, as {@code DatabaseConfig} wants a PostgreSQL URL next to its
     * username; the same as {@link #url()} for other servers.
     *
     * @return the URL without credentials
     * @since 0.3.0
     */
    public String urlWithoutCredentials() {
        return urlWithoutCredentials;
    }

    /**
     * Delays every chunk of bytes in each direction by {@code delay} (a round trip by at least twice that);
     * {@link Duration#ZERO} removes the delay. Applies to open and new connections; ends a blackhole.
     *
     * @param delay zero or positive
     * @return this proxy
     * @since 0.3.0
     */
    public FaultProxy latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive (was " + delay + ")");
        }
        synchronized (lock) {
            latencyNanos = delay.toNanos();
            blackholed = false;
            lock.notifyAll();
        }
        LOG.debug("Fault proxy {}: latency {}", port(), delay);
        return this;
    }

    /**
     * Stops forwarding anything, in both directions, on open and new connections, without closing any: clients
     * wait as behind a silent network until {@link #restore()} or their own timeout.
     *
     * @return this proxy
     * @since 0.3.0
     */
    public FaultProxy blackhole() {
        synchronized (lock) {
            blackholed = true;
        }
        LOG.debug("Fault proxy {}: blackhole", port());
        return this;
    }

    /**
     * Forwards at full speed again: no latency, no blackhole; bytes held meanwhile flow on.
     *
     * @return this proxy
     * @since 0.3.0
     */
    public FaultProxy restore() {
        synchronized (lock) {
            latencyNanos = 0;
            blackholed = false;
            lock.notifyAll();
        }
        LOG.debug("Fault proxy {}: restored", port());
        return this;
    }

    /**
     * Whether {@link #blackhole()} is on.
     *
     * @return true while nothing is forwarded
     * @since 0.3.0
     */
    public boolean isBlackholed() {
        return blackholed;
    }

    /**
     * Closes every connection through the proxy (clients see the connection end, as after a network reset);
     * new connections are accepted as before.
     *
     * @since 0.3.0
     */
    public void resetConnections() {
        for (Socket s : List.copyOf(sockets)) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("Fault proxy {} stopped accepting", port(), e);
                }
                return;
            }
            sockets.add(client);
            Thread t = new Thread(
                    () -> connect(client), "platform-test-proxy-" + port() + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Connects to the server once the proxy forwards, then pumps server to client on this thread. */
    private void connect(Socket client) {
        Socket server = new Socket();
        sockets.add(server);
        try {
            awaitForwarding();
            server.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        Thread upstream =
                new Thread(() -> pump(client, server), Thread.currentThread().getName() + "-up");
        upstream.setDaemon(true);
        upstream.start();
        pump(server, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                awaitForwarding();
                long delay = latencyNanos;
                if (delay > 0) {
                    Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
                }
                awaitForwarding();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // closed by the other side, by resetConnections() or by close()
            closeQuietly(from);
            closeQuietly(to);
        } catch (IOException e) {
            LOG.debug("Fault proxy {}: connection ended", port(), e);
            closeQuietly(from);
            closeQuietly(to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (from.isClosed()) {
                sockets.remove(from);
            }
            if (to.isClosed()) {
                sockets.remove(to);
            }
        }
    }

    private void awaitForwarding() throws InterruptedException, SocketException {
        if (!blackholed) {
            return;
        }
        synchronized (lock) {
            while (blackholed && !closed) {
                lock.wait();
            }
        }
        if (closed) {
            throw new SocketException("fault proxy closed");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.trace("closing a proxied socket failed", e);
        }
    }

    /**
     * Stops the proxy and closes its connections. Idempotent.
     *
     * @since 0.3.0
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.trace("closing the proxy's listener failed", e);
        }
        resetConnections();
        LOG.debug("Fault proxy {} -> {}:{} closed", port(), targetHost, targetPort);
    }

    @Override
    public String toString() {
        return "FaultProxy{127.0.0.1:" + port() + " -> " + targetHost + ':' + targetPort
                + (blackholed ? ", blackhole" : latencyNanos > 0 ? ", latency " + Duration.ofNanos(latencyNanos) : "")
                + '}';
    }
}
