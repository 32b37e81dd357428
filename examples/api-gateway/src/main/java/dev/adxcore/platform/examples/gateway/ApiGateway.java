package dev.adxcore.platform.examples.gateway;

import dev.adxcore.platform.examples.gateway.internal.GatewayHandler;
import dev.adxcore.platform.examples.gateway.internal.JsonErrorHandler;
import dev.adxcore.platform.examples.gateway.internal.Quotas;
import dev.adxcore.platform.examples.gateway.internal.RouteBreakers;
import dev.adxcore.platform.examples.gateway.internal.UpstreamHealthCheck;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.http.ManagementServer;
import dev.adxcore.platform.observability.metrics.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running API gateway: a Jetty 12 server whose single handler authenticates, checks the tenant's
 * quota and the route's circuit breaker, and proxies {@code /api/v1/{service}/**} to the routes of a
 * {@link GatewayConfig}. The public port also answers {@code /health/live} and {@code /health/ready} with
 * a status only; {@code /metrics} and the detailed {@code /health}, {@code /health/live} and
 * {@code /health/ready} are served by a separate management listener
 * ({@link GatewayConfig#managementBindAddress()}:{@link GatewayConfig#managementPort()}, loopback by
 * default), never on the public port.
 *
 * <pre>{@code
 * try (ApiGateway gateway = ApiGateway.start(GatewayConfig.fromEnvironment().build())) {
 *     gateway.join();
 * }
 * }</pre>
 *
 * <p>Expensive: owns a server thread pool (shared with the upstream HTTP client), connection pools to
 * every upstream, a health registry and a Prometheus registry. Create one per process. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ApiGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiGateway.class);
    /**
     * Server and upstream client share one pool. Everything is asynchronous, so threads only run CPU
     * work: a small pool avoids context-switch thrash on small machines (measured on 2 cores).
     */
    private static final int MAX_THREADS = 32;

    private final GatewayConfig config;
    private final Server server;
    private final ServerConnector connector;
    private final HttpClient client;
    private final PrometheusMeterRegistry meterRegistry;
    private final HealthRegistry healthRegistry;
    private final @Nullable Quotas quotas;
    private final @Nullable RouteBreakers breakers;
    private final ManagementServer management;

    private ApiGateway(GatewayConfig config) {
        this.config = config;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
        threads.setName("gateway");
        this.server = new Server(threads);
        this.server.setErrorHandler(new JsonErrorHandler());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        // Jetty's default URI checks stay on (they reject %2F, %2e segments, '..' above root, ...) as a
        // first line; empty segments ("//") are let through because the gateway's own RequestPath
        // collapses them, like nginx's merge_slashes.
        http.setUriCompliance(UriCompliance.DEFAULT.with("gateway", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);

        this.client = new HttpClient();
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setMaxConnectionsPerDestination(256);
        client.setConnectTimeout(Math.min(5_000, config.defaultTimeout().toMillis()));
        client.setIdleTimeout(30_000);

        this.meterRegistry = MeterRegistries.prometheus("api-gateway");
        this.healthRegistry =
                HealthRegistry.builder().discoverServiceLoaderChecks(false).build();
        healthRegistry.register(new HealthCheck() {
            @Override
            public String name() {
                return "gateway.server";
            }

            @Override
            public HealthResult check() {
                return server.isRunning() ? HealthResult.up() : HealthResult.down("server is " + server.getState());
            }

            @Override
            public boolean isLiveness() {
                return true;
            }
        });
        this.breakers = config.circuitBreaker().enabled() ? new RouteBreakers(config, meterRegistry) : null;
        RouteBreakers routeBreakers = breakers;
        config.routes()
                .values()
                .forEach(r -> healthRegistry.register(new UpstreamHealthCheck(
                        r,
                        config.upstreamHealthTimeout(),
                        () -> routeBreakers == null ? null : routeBreakers.stateOf(r.name()))));
        this.quotas = Quotas.create(config, meterRegistry);
        if (quotas != null) {
            quotas.healthCheck().ifPresent(healthRegistry::register);
        }
        this.management = ManagementServer.builder()
                .bindAddress(config.managementBindAddress())
                .port(config.managementPort())
                .healthRegistry(healthRegistry)
                .prometheusRegistry(meterRegistry)
                .build();
        server.setHandler(new GatewayHandler(config, client, meterRegistry, healthRegistry, quotas, breakers));
    }

    /**
     * Builds and starts a gateway.
     *
     * @param config the configuration
     * @return the running gateway
     * @throws IllegalStateException when the port cannot be bound or Jetty fails to start
     */
    public static ApiGateway start(GatewayConfig config) {
        Objects.requireNonNull(config, "config");
        ApiGateway gateway = new ApiGateway(config);
        log.info("API gateway starting: {}", config);
        try {
            QueuedThreadPool threads = (QueuedThreadPool) gateway.server.getThreadPool();
            threads.start();
            gateway.client.start();
            gateway.client.getContentDecoderFactories().clear();
            gateway.client.getProtocolHandlers().clear();
            gateway.server.start();
            gateway.management.start();
        } catch (Exception e) {
            gateway.close();
            throw new IllegalStateException(
                    "API gateway failed to start on " + config.bindAddress() + ":" + config.port() + ": "
                            + e.getMessage(),
                    e);
        }
        log.info(
                "API gateway started on port {} with routes {} (management on {}, quotas {})",
                gateway.port(),
                config.routes().keySet(),
                gateway.managementUri(),
                gateway.quotas == null ? "off" : gateway.quotas);
        return gateway;
    }

    /** @return the port actually bound (useful with port 0) */
    public int port() {
        return connector.getLocalPort();
    }

    /** @return {@code http://127.0.0.1:<port>} for local clients and tests */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /**
     * @return the management listener's base URI ({@code /metrics}, {@code /health}, {@code /health/live},
     *     {@code /health/ready}), such as {@code http://127.0.0.1:9080}
     * @throws IllegalStateException before the gateway started
     */
    public URI managementUri() {
        return management.uri();
    }

    /** @return the configuration the gateway runs with */
    public GatewayConfig config() {
        return config;
    }

    /** @return the registry served at {@code /metrics} on the management listener */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** @return the registry served at {@code /health} on the management listener; register more checks here */
    public HealthRegistry healthRegistry() {
        return healthRegistry;
    }

    /**
     * Blocks until the gateway stops.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops accepting requests, closes upstream connections, the quota store and the registries. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("API gateway server did not stop cleanly", e);
        }
        management.close();
        if (quotas != null) {
            quotas.close();
        }
        try {
            client.stop();
        } catch (Exception e) {
            log.warn("API gateway upstream client did not stop cleanly", e);
        }
        healthRegistry.close();
        meterRegistry.close();
        log.info("API gateway stopped");
    }
}
