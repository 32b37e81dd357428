package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One probe workflow ({@link Probes.ProbeWorkflowImpl}), started, signalled, updated and queried from client threads
 * bound to different tenants: every place where its code runs sees the workflow's own context and MDC, its activities
 * see it caused by the workflow, and every worker thread is left as it was.
 */
@Timeout(60)
class WorkflowCodeContextTest {

    private static final String WORKFLOW_ID = "probe-single";
    private static final PlatformContext SENT = TemplateHarness.context(TemplateHarness.TENANT_A).toBuilder()
            .roles("member", "approver")
            .causalToken("0/16B3748")
            .traceState("vendor=abc")
            .build();
    private static final PlatformContext SENDER = TemplateHarness.context(TemplateHarness.TENANT_B).toBuilder()
            .correlationId("corr-sender")
            .build();
    private static Probes.ProbeHarness probes;

    @BeforeAll
    static void runOneProbeWorkflow() {
        probes = new Probes.ProbeHarness(WorkerFactoryOptions.newBuilder(), WorkerOptions.getDefaultInstance());
        WorkflowStub stub = probes.start(WORKFLOW_ID, SENT);
        probes.pokeTouchAndPeek(stub, SENDER);
        assertThat(stub.getResult(String.class)).isEqualTo(WORKFLOW_ID);
    }

    @AfterAll
    static void stop() {
        probes.close();
    }

    private static List<Probes.Observation> at(String where) {
        List<Probes.Observation> seen =
                Probes.OBSERVED.stream().filter(o -> o.where().equals(where)).toList();
        assertThat(seen).as("observations at " + where).isNotEmpty();
        return seen;
    }

    @Test
    void everyPlaceWorkflowCodeRunsSeesExactlyTheContextTheWorkflowWasStartedWithAndItsMdc() {
        for (String where : List.of(
                "workflow constructor",
                "workflow method",
                "Async thread",
                "signal handler",
                "update validator",
                "update handler",
                "query handler",
                "workflow method after a failed activity",
                "workflow method after signal and update")) {
            assertThat(at(where)).as(where).allSatisfy(seen -> {
                assertThat(seen.context()).isEqualTo(SENT);
                assertThat(seen.mdc())
                        .containsEntry("tenant_id", TemplateHarness.TENANT_A.toString())
                        .containsEntry("user_id", "user-7")
                        .containsEntry("correlation_id", SENT.correlationId())
                        .containsEntry("causation_id", "request-1")
                        .containsEntry("trace_id", TemplateHarness.TRACE.traceId());
            });
        }
    }

    @Test
    void signalUpdateAndQueryHandlersSeeTheWorkflowsContextNeverTheSenders() {
        UUID senderTenant = SENDER.tenantId().orElseThrow();
        for (String where : List.of("signal handler", "update validator", "update handler", "query handler")) {
            assertThat(at(where)).as(where).allSatisfy(seen -> {
                assertThat(seen.context().tenantId())
                        .contains(TemplateHarness.TENANT_A)
                        .isNotEqualTo(java.util.Optional.of(senderTenant));
                assertThat(seen.mdcTenant()).isEqualTo(TemplateHarness.TENANT_A.toString());
            });
        }
    }

    @Test
    void activitiesAndLocalActivitiesSeeTheContextCausedByTheWorkflowAlsoOnTheAttemptAfterAThrow() {
        PlatformContext expected = TemplateHarness.causedBy(SENT, WORKFLOW_ID);
        for (String where : List.of(
                "activity",
                "local activity",
                "activity scheduled from an Async thread",
                "activity retried after throwing",
                "local activity retried after throwing",
                "activity that throws")) {
            assertThat(at(where)).as(where).allSatisfy(seen -> {
                assertThat(seen.context()).isEqualTo(expected);
                assertThat(seen.mdc())
                        .containsEntry("causation_id", WORKFLOW_ID)
                        .containsEntry("tenant_id", TemplateHarness.TENANT_A.toString());
            });
        }
        assertThat(at("activity retried after throwing")).hasSize(2);
        assertThat(at("local activity retried after throwing")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void everyWorkerThreadIsLeftExactlyAsItWasAfterEachTask() {
        assertThat(Probes.ThreadStateProbe.violations()).isEmpty();
        assertThat(Probes.ThreadStateProbe.CHECKS).hasValueGreaterThan(10);
    }
}
