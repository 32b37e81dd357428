package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Against the embedded dev server: the SDK's port-bound test server, started by the connection. */
@Timeout(120)
class TemporalConnectionTest {

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static TemporalConnection connection;

    @BeforeAll
    static void openEmbedded() {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(TemporalConnection.class)).addAppender(LOG);
        connection = TemporalConnection.open(
                TemporalConfig.builder().embeddedPort(0).taskQueue("conn").build(), REGISTRY);
    }

    @AfterAll
    static void close() {
        connection.close();
    }

    @Test
    void noTargetStartsTheEmbeddedDevServerAndSaysSo() {
        assertThat(connection.isEmbedded()).isTrue();
        assertThat(LOG.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(
                        m -> m.contains("started the embedded Temporal dev server") && m.contains(connection.target()));
    }

    @Test
    void healthIsUpWhenTheServiceAnswersForTheNamespace() throws Exception {
        HealthResult result = connection.healthCheck().check();

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.details()).containsEntry("namespace", "default");
    }

    @Test
    void healthIsDownWhenTheServiceDoesNotAnswer() throws Exception {
        int deadPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (TemporalConnection unreachable = TemporalConnection.open(
                TemporalConfig.builder().target("127.0.0.1:" + deadPort).build())) {
            HealthResult result = unreachable.healthCheck().check();

            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("did not answer"));
        }
    }

    @Test
    void templateWorkflowRunsEndToEndAndSdkMetricsReachMicrometer() {
        Orders.OrderActivitiesImpl activities = new Orders.OrderActivitiesImpl();
        try (EventBus bus = EventBuses.open(URI.create("memory:/"));
                TemporalWorkerRunner worker = TemporalWorkerRunner.builder(connection)
                        .eventBus(bus)
                        .permissionChecker((ctx, op) -> true)
                        .workflowImplementationTypes(Orders.PlaceOrderWorkflowImpl.class)
                        .activityImplementations(activities)
                        .shutdownTimeout(Duration.ofSeconds(2))
                        .build()) {
            worker.start();

            StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(connection
                    .templateClient()
                    .start(
                            Orders.PlaceOrderWorkflow.class,
                            TemplateHarness.context(TemplateHarness.TENANT_A),
                            "m-1",
                            Orders.Order.of("ok")));

            assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(REGISTRY.getMeters())
                            .anyMatch(m -> m.getId().getName().startsWith("temporal_workflow_completed")));
        }
    }
}
