package dev.adxcore.platform.observability.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.observability.internal.NamedThreadFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small embeddable HTTP server for services that have none, built on the JDK's
 * {@code com.sun.net.httpserver}:
 *
 * <ul>
 *   <li>{@code GET /health} — the full report ({@link HealthRegistry#health()}) as JSON;</li>
 *   <li>{@code GET /health/live} — liveness; {@code GET /health/ready} — readiness;</li>
 *   <li>{@code GET /metrics} — the Prometheus text format.</li>
 * </ul>
 *
 * <p>Health routes answer 200 when the report is UP or DEGRADED and 503 when it is DOWN. They never
 * block a server thread while checks run: the response is written when the registry's report completes,
 * which is within the checks' timeouts even when a check hangs, so {@code /metrics} and other probes keep
 * answering.
 *
 * <pre>{@code
 * try (ManagementServer server = ManagementServer.builder()
 *         .port(8081)
 *         .healthRegistry(health)
 *         .prometheusRegistry(registry)
 *         .build()
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Bind address.</b> The default is {@code 127.0.0.1}: the endpoint has no authentication, so it is
 * not exposed unless asked. In a container, where the kubelet or Prometheus connects to the pod's
 * address, set {@code bindAddress("0.0.0.0")} (or {@code PLATFORM_MANAGEMENT_BIND_ADDRESS=0.0.0.0}) and
 * keep the port off any public ingress.
 *
 * <p>Thread-safe. Once started, an expensive resource: it owns a listening socket, the JDK server's dispatcher
 * thread and two handler threads: one per process, and {@link #close()} it.
 *
 * @since 0.1.0
 */
public final class ManagementServer implements AutoCloseable {

    /** Environment variable for {@link Builder#bindAddress(String)}. */
    public static final String ENV_BIND_ADDRESS = "PLATFORM_MANAGEMENT_BIND_ADDRESS";
    /** Environment variable for {@link Builder#port(int)}. */
    public static final String ENV_PORT = "PLATFORM_MANAGEMENT_PORT";
    /** The default bind address: loopback only. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 8081;

    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final int BACKLOG = 1024;

    private final String bindAddress;
    private final int requestedPort;
    private final @Nullable HealthRegistry health;
    private final @Nullable PrometheusMeterRegistry prometheus;
    private final Object lifecycle = new Object();
    private @Nullable HttpServer server;
    private @Nullable ThreadPoolExecutor executor;
    private volatile int port = -1;
    private boolean closed;

    private ManagementServer(Builder b) {
        this.bindAddress = b.bindAddress;
        this.requestedPort = b.port;
        this.health = b.healthRegistry;
        this.prometheus = b.prometheusRegistry;
    }

    /**
     * Starts configuring a server.
     *
     * @return a builder with bind address {@code 127.0.0.1} and port {@value #DEFAULT_PORT}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled from {@code PLATFORM_MANAGEMENT_BIND_ADDRESS} and {@code PLATFORM_MANAGEMENT_PORT}
     * (environment variables or the matching system properties, read through platform-core's
     * {@link Settings}); unset settings keep the defaults.
     *
     * @return a builder
     * @throws IllegalArgumentException when the port setting is not a number
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(Settings.fromEnvironment());
    }

    /**
     * Like {@link #fromEnvironment()}, reading the given settings instead of the process environment.
     *
     * @param settings where to read {@code PLATFORM_MANAGEMENT_*}
     * @return a builder
     * @throws IllegalArgumentException when the port setting is not a number
     */
    public static Builder fromEnvironment(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        Builder b = builder();
        settings.string(ENV_BIND_ADDRESS)
                .map(String::trim)
                .filter(a -> !a.isEmpty())
                .ifPresent(b::bindAddress);
        settings.integer(ENV_PORT).ifPresent(b::port);
        return b;
    }

    /**
     * Binds the socket and starts serving. Calling it again has no effect.
     *
     * @return this server
     * @throws IllegalStateException when the port is already in use (the message names address and port)
     *         or the server was closed
     * @throws java.io.UncheckedIOException when the socket cannot be opened for another reason
     */
    public ManagementServer start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("ManagementServer is closed; build a new one");
            }
            if (server != null) {
                return this;
            }
            HttpServer http;
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(bindAddress), requestedPort);
                http = HttpServer.create(address, BACKLOG);
            } catch (BindException e) {
                throw new IllegalStateException(
                        "management port " + requestedPort + " on " + bindAddress
                                + " is already in use; choose another port (" + ENV_PORT
                                + ") or 0 for an ephemeral port",
                        e);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(
                        "bindAddress '" + bindAddress
                                + "' cannot be resolved; use an IP address such as 127.0.0.1 or 0.0.0.0",
                        e);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(
                        "cannot open the management endpoint on " + bindAddress + ":" + requestedPort + ": "
                                + e.getMessage(),
                        e);
            }
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    2,
                    2,
                    60,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    new NamedThreadFactory("platform-management"));
            http.setExecutor(pool);
            http.createContext("/", exchange -> handle(exchange, pool));
            http.start();
            this.server = http;
            this.executor = pool;
            this.port = http.getAddress().getPort();
            log.info(
                    "Management endpoint started on http://{}:{} ({}{})",
                    bindAddress,
                    port,
                    health != null ? "/health, /health/live, /health/ready" : "",
                    prometheus != null ? (health != null ? ", /metrics" : "/metrics") : "");
            return this;
        }
    }

    /**
     * The port the server listens on; the actual port when {@code 0} was configured.
     *
     * @return the bound port
     * @throws IllegalStateException before {@link #start()}
     */
    public int port() {
        int p = port;
        if (p < 0) {
            throw new IllegalStateException("ManagementServer is not started; call start() first");
        }
        return p;
    }

    /**
     * The base URI, such as {@code http://127.0.0.1:8081}.
     *
     * @return the URI clients use to reach the server
     * @throws IllegalStateException before {@link #start()}
     */
    public URI uri() {
        String host = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /** Stops listening, drops open connections and stops the server's threads. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (server != null) {
                server.stop(0);
                log.info("Management endpoint on port {} stopped", port);
            }
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }

    private void handle(HttpExchange exchange, ExecutorService pool) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, JSON, "{\"error\":\"method not allowed\"}");
                return;
            }
            HealthRegistry h = health;
            switch (path) {
                case "/health" -> health(exchange, pool, h == null ? null : h::healthAsync);
                case "/health/live" -> health(exchange, pool, h == null ? null : h::livenessAsync);
                case "/health/ready" -> health(exchange, pool, h == null ? null : h::readinessAsync);
                case "/metrics" -> metrics(exchange);
                default -> respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
            }
        } catch (RuntimeException | IOException e) {
            log.debug("Management request failed", e);
            exchange.close();
        }
    }

    private void health(
            HttpExchange exchange, ExecutorService pool, @Nullable Supplier<CompletableFuture<HealthReport>> report)
            throws IOException {
        if (report == null) {
            respond(exchange, 404, JSON, "{\"error\":\"no health registry configured\"}");
            return;
        }
        CompletableFuture<HealthReport> pending = report.get();
        HealthReport ready = pending.getNow(null);
        if (ready != null) {
            // Cached results: answer on this server thread right away.
            respondHealth(exchange, ready);
            return;
        }
        // Checks are running: answer when the report completes (within the timeouts), without holding a
        // server thread meanwhile, and write from a server thread rather than the registry's timer.
        pending.whenComplete((r, error) -> {
            try {
                pool.execute(() -> {
                    try {
                        respondHealth(exchange, r);
                    } catch (IOException | RuntimeException e) {
                        log.debug("Could not write a health response", e);
                        exchange.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                exchange.close();
            }
        });
    }

    private static void respondHealth(HttpExchange exchange, @Nullable HealthReport r) throws IOException {
        if (r == null) {
            respond(exchange, 503, JSON, "{\"status\":\"DOWN\",\"error\":\"health report failed\"}");
        } else {
            respond(exchange, r.status() == HealthStatus.DOWN ? 503 : 200, JSON, r.toJson());
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        PrometheusMeterRegistry p = prometheus;
        if (p == null) {
            respond(exchange, 404, JSON, "{\"error\":\"no prometheus registry configured\"}");
            return;
        }
        respond(exchange, 200, PROMETHEUS_TEXT, p.scrape());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public String toString() {
        return "ManagementServer{bindAddress=" + bindAddress + ", port=" + (port < 0 ? requestedPort : port) + '}';
    }

    /**
     * Configures a {@link ManagementServer}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private @Nullable HealthRegistry healthRegistry;
        private @Nullable PrometheusMeterRegistry prometheusRegistry;

        private Builder() {}

        /**
         * The address to listen on.
         *
         * @param bindAddress an IP address or host name; default {@code 127.0.0.1}, {@code 0.0.0.0} for all
         *        interfaces
         * @return this builder
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * The port to listen on.
         *
         * @param port 1..65535, or 0 for an ephemeral port (read it back with {@link ManagementServer#port()});
         *        default {@value ManagementServer#DEFAULT_PORT}
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The registry behind {@code /health}, {@code /health/live} and {@code /health/ready}.
         *
         * @param healthRegistry the registry; without one the health routes answer 404
         * @return this builder
         */
        public Builder healthRegistry(HealthRegistry healthRegistry) {
            this.healthRegistry = Objects.requireNonNull(healthRegistry, "healthRegistry");
            return this;
        }

        /**
         * The registry behind {@code /metrics}.
         *
         * @param prometheusRegistry the registry; without one {@code /metrics} answers 404
         * @return this builder
         */
        public Builder prometheusRegistry(PrometheusMeterRegistry prometheusRegistry) {
            this.prometheusRegistry = Objects.requireNonNull(prometheusRegistry, "prometheusRegistry");
            return this;
        }

        /**
         * Validates the settings; the socket is bound by {@link ManagementServer#start()}.
         *
         * @return an unstarted server
         * @throws IllegalArgumentException for a bad port or bind address, or when neither registry is set
         */
        public ManagementServer build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        "port must be between 0 and 65535 (was " + port + "); use 0 for an ephemeral port");
            }
            if (bindAddress.isBlank()) {
                throw new IllegalArgumentException("bindAddress must not be blank (was '" + bindAddress
                        + "'); use 127.0.0.1 for loopback or 0.0.0.0 for all interfaces");
            }
            if (healthRegistry == null && prometheusRegistry == null) {
                throw new IllegalArgumentException("ManagementServer needs a healthRegistry or a prometheusRegistry"
                        + " (neither was set); call healthRegistry(...) and/or prometheusRegistry(...)");
            }
            return new ManagementServer(this);
        }
    }
}
