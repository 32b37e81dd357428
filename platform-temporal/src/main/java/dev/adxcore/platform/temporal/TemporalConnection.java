package dev.adxcore.platform.temporal;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.serviceclient.rpcretry.DefaultStubServiceOperationRpcRetryOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to Temporal built from a {@link TemporalConfig}: service stubs, a {@code WorkflowClient}
 * carrying the platform context propagator, SDK metrics into Micrometer (through the SDK's
 * {@code MicrometerClientStatsReporter}), a health check, and — when no target is configured — the
 * embedded dev server (the SDK's port-bound test server, in this JVM).
 *
 * <p>Expensive: one per service, shared by its workers and callers, closed at shutdown (close the
 * workers first). Thread-safe.
 *
 * <p>The embedded dev server is for examples and local runs only: its state lives in memory and is
 * lost on exit. Its timers run in real time (time skipping locked).
 *
 * @since 0.1.0
 */
public final class TemporalConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);
    private static final long HEALTH_DEADLINE_MILLIS = 5_000;

    private final TemporalConfig config;
    private final String target;
    private final TestServer.@Nullable PortBoundTestServer embedded;
    private final @Nullable Scope metricsScope;
    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;

    private TemporalConnection(
            TemporalConfig config,
            String target,
            TestServer.@Nullable PortBoundTestServer embedded,
            @Nullable Scope metricsScope,
            WorkflowServiceStubs stubs,
            WorkflowClient client) {
        this.config = config;
        this.target = target;
        this.embedded = embedded;
        this.metricsScope = metricsScope;
        this.stubs = stubs;
        this.client = client;
    }

    /**
     * Opens a connection without metrics.
     *
     * @param config the config
     * @return the connection (gRPC connects lazily; use {@link #healthCheck()} to probe)
     * @throws UncheckedIOException when TLS material cannot be read or the embedded server cannot bind
     * @since 0.1.0
     */
    public static TemporalConnection open(TemporalConfig config) {
        return open(config, null);
    }

    /**
     * Opens a connection whose SDK metrics (requests, latencies, worker task slots, workflow and
     * activity outcomes) are reported to {@code registry} every second.
     *
     * @param config the config
     * @param registry where SDK metrics go, or {@code null} for none
     * @return the connection (gRPC connects lazily; use {@link #healthCheck()} to probe)
     * @throws UncheckedIOException when TLS material cannot be read or the embedded server cannot bind
     * @since 0.1.0
     */
    public static TemporalConnection open(TemporalConfig config, @Nullable MeterRegistry registry) {
        Objects.requireNonNull(config, "config");
        TestServer.PortBoundTestServer embedded = null;
        String target;
        if (config.target().isPresent()) {
            target = config.target().get();
        } else {
            int port = config.embeddedPort() == 0 ? freePort() : config.embeddedPort();
            // true = time skipping locked: timers run in real time, as on a real server. With false the test
            // server jumps its clock ahead whenever it is idle, and under load the jumps overflow activity
            // timeouts ("Duration of this magnitude not supported") and workflows stall.
            embedded = TestServer.createPortBoundServer(port, true);
            target = "127.0.0.1:" + port;
            log.info(
                    "No Temporal target configured (PLATFORM_TEMPORAL_TARGET is unset): started the embedded Temporal "
                            + "dev server in this JVM on {}. For examples and local runs only: its state is lost on exit.",
                    target);
        }
        // One bound for every client call, retries included: each attempt's gRPC deadline and the retry
        // expiration (the SDK's defaults: 10 s per attempt, retried for a minute, so a hung server could hold a
        // start for about 70 s).
        WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setRpcTimeout(config.rpcTimeout())
                .setRpcQueryTimeout(config.rpcTimeout())
                // the first call of a connection asks the server's capabilities first, under this deadline
                .setSystemInfoTimeout(config.rpcTimeout())
                .setRpcRetryOptions(DefaultStubServiceOperationRpcRetryOptions.getBuilder()
                        .setExpiration(config.rpcTimeout())
                        .validateBuildWithDefaults());
        if (config.isTls()) {
            options.setSslContext(sslContext(config));
        }
        Scope scope = null;
        if (registry != null) {
            scope = new RootScopeBuilder()
                    .reporter(new MicrometerClientStatsReporter(registry))
                    .reportEvery(com.uber.m3.util.Duration.ofSeconds(1));
            options.setMetricsScope(scope);
        }
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options.build());
        io.temporal.client.WorkflowClientOptions.Builder clientOptions =
                TemporalPlatform.clientOptions().setNamespace(config.namespace());
        config.identity().ifPresent(clientOptions::setIdentity);
        WorkflowClient client = WorkflowClient.newInstance(stubs, clientOptions.build());
        log.info("Temporal connection opened: {}", config);
        return new TemporalConnection(config, target, embedded, scope, stubs, client);
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(TemporalConfig config) {
        try (InputStream cert = Files.newInputStream(config.tlsCertPath().orElseThrow());
                InputStream key = Files.newInputStream(config.tlsKeyPath().orElseThrow())) {
            return SimpleSslContextBuilder.forPKCS8(cert, key).build();
        } catch (IOException e) {
            // The message names the paths only, never key material.
            throw new UncheckedIOException(
                    "cannot read the TLS certificate " + config.tlsCertPath().orElseThrow() + " or key "
                            + config.tlsKeyPath().orElseThrow() + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for the embedded Temporal dev server", e);
        }
    }

    /**
     * The workflow client: namespace and identity from the config, the platform context propagator.
     *
     * @return the client
     * @since 0.1.0
     */
    public WorkflowClient client() {
        return client;
    }

    /**
     * A template client starting workflows on the config's task queue.
     *
     * @return a template client
     * @since 0.1.0
     */
    public TemplateClient templateClient() {
        return TemplateClient.create(client, config.taskQueue());
    }

    /**
     * The config this connection was opened with.
     *
     * @return the config
     * @since 0.1.0
     */
    public TemporalConfig config() {
        return config;
    }

    /**
     * The address connected to: the configured target, or the embedded dev server's.
     *
     * @return {@code host:port}
     * @since 0.1.0
     */
    public String target() {
        return target;
    }

    /**
     * Whether this connection started the embedded dev server.
     *
     * @return {@code true} when no target was configured
     * @since 0.1.0
     */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * A critical health check named {@code temporal}: UP when the frontend answers
     * {@code DescribeNamespace} for the configured namespace within 5 seconds; DOWN when it does not
     * answer or the namespace does not exist. Never throws.
     *
     * @return the health check
     * @since 0.1.0
     */
    public HealthCheck healthCheck() {
        return HealthCheck.critical("temporal", this::checkHealth);
    }

    private HealthResult checkHealth() {
        String namespace = config.namespace();
        try {
            DescribeNamespaceResponse response = stubs.blockingStub()
                    .withDeadlineAfter(HEALTH_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .describeNamespace(DescribeNamespaceRequest.newBuilder()
                            .setNamespace(namespace)
                            .build());
            return HealthResult.up(Map.of(
                    "target",
                    target,
                    "namespace",
                    namespace,
                    "namespaceState",
                    response.getNamespaceInfo().getState().name()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return HealthResult.down("namespace '" + namespace + "' does not exist on " + target);
            }
            return HealthResult.down("Temporal at " + target + " did not answer: "
                    + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null
                            ? ""
                            : " " + e.getStatus().getDescription()));
        } catch (RuntimeException e) {
            return HealthResult.down(e);
        }
    }

    /**
     * Closes the client's connection, flushes metrics and stops the embedded dev server if this
     * connection started it. Close workers first.
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        stubs.shutdown();
        if (!stubs.awaitTermination(5, TimeUnit.SECONDS)) {
            stubs.shutdownNow();
        }
        if (metricsScope != null) {
            try {
                metricsScope.close();
            } catch (Exception e) {
                log.debug("Closing the metrics scope failed", e);
            }
        }
        if (embedded != null) {
            embedded.close();
            log.info("Embedded Temporal dev server on {} stopped", target);
        }
        log.info("Temporal connection to {} closed", target);
    }
}
