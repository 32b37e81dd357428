package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.FaultProxy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network to the Temporal frontend goes silent (the kit's {@link FaultProxy} black-holes it: connections stay
 * open, nothing arrives, as behind a paused VM): with the default configuration a client call fails after about
 * {@link TemporalConfig#rpcTimeout()} instead of hanging, and calls succeed again once the network is back. The
 * server is the SDK's port-bound test server, started in this JVM by a connection with no target; the client under
 * test connects through the proxy.
 */
@Timeout(180)
class TemporalSilentNetworkTest {

    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static TemporalConnection server;
    private static FaultProxy proxy;
    private static TemporalConnection client;

    @BeforeAll
    static void setUp() {
        server = TemporalConnection.open(
                TemporalConfig.builder().embeddedPort(0).taskQueue("silent").build());
        String target = server.target();
        proxy = FaultProxy.start("127.0.0.1", Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)));
        client = TemporalConnection.open(TemporalConfig.builder()
                .target(proxy.host() + ":" + proxy.port())
                .taskQueue("silent")
                .build());
        // connected before the network goes silent; on a loaded machine the first call may need a retry
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> !start().getRunId().isEmpty());
    }

    @AfterEach
    void restore() {
        proxy.restore();
    }

    @AfterAll
    static void tearDown() {
        proxy.restore();
        client.close();
        proxy.close();
        server.close();
    }

    @Test
    void startingAWorkflowFailsWithinTheRpcTimeoutWhenTheNetworkGoesSilentAndWorksOnceItIsBack() {
        proxy.blackhole();
        long silentAt = System.nanoTime();
        Throwable failure = catchThrowable(TemporalSilentNetworkTest::start);
        Duration failedAfter = since(silentAt);
        System.out.println(
                "[measured] workflow start behind a black-holed network failed after " + failedAfter.toMillis()
                        + " ms (rpcTimeout " + client.config().rpcTimeout().toMillis() + " ms)");

        assertFailedOnTheDeadline(failure, failedAfter, client.config().rpcTimeout());

        proxy.restore();
        long restored = System.nanoTime();
        WorkflowExecution started = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(
                        TemporalSilentNetworkTest::start,
                        execution -> !execution.getRunId().isEmpty());
        System.out.println("[measured] workflow starts resumed after the network came back in "
                + since(restored).toMillis() + " ms");
        assertThat(server.client()
                        .newUntypedWorkflowStub(started.getWorkflowId())
                        .describe()
                        .getWorkflowType())
                .isEqualTo("SilentNetworkProbe");
    }

    @Test
    void healthIsDownWithinItsDeadlineWhenTheNetworkGoesSilent() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> client.healthCheck().check().status() == HealthStatus.UP);
        proxy.blackhole();
        long silentAt = System.nanoTime();
        HealthResult result = client.healthCheck().check();
        Duration answeredAfter = since(silentAt);
        System.out.println("[measured] health check behind a black-holed network answered DOWN after "
                + answeredAfter.toMillis() + " ms");

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("DEADLINE_EXCEEDED"));
        assertThat(answeredAfter).isLessThan(Duration.ofSeconds(5).plus(MARGIN));
    }

    @Test
    void aConnectionOpenedWhileTheNetworkIsSilentFailsItsFirstCallWithinTheRpcTimeout() {
        proxy.blackhole();
        try (TemporalConnection fresh = TemporalConnection.open(client.config())) {
            long silentAt = System.nanoTime();
            Throwable failure = catchThrowable(() -> start(fresh));
            Duration failedAfter = since(silentAt);
            System.out.println("[measured] first workflow start of a connection opened behind a black-holed network"
                    + " failed after " + failedAfter.toMillis() + " ms");

            assertFailedOnTheDeadline(failure, failedAfter, fresh.config().rpcTimeout());
        }
    }

    /** The call failed as the SDK reports a gRPC deadline, within the bound (plus a margin for a loaded machine). */
    private static void assertFailedOnTheDeadline(Throwable failure, Duration failedAfter, Duration bound) {
        assertThat(failure).isInstanceOf(WorkflowServiceException.class);
        assertThat(failure)
                .rootCause()
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(failedAfter).isLessThan(bound.plus(MARGIN));
    }

    /** Starts a workflow no worker runs: the start is one client call to the frontend. */
    private static WorkflowExecution start() {
        return start(client);
    }

    private static WorkflowExecution start(TemporalConnection through) {
        return through.client()
                .newUntypedWorkflowStub(
                        "SilentNetworkProbe",
                        WorkflowOptions.newBuilder()
                                .setTaskQueue("silent")
                                .setWorkflowId("silent-" + UUID.randomUUID())
                                .build())
                .start();
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
