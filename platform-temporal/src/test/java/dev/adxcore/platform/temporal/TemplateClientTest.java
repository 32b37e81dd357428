package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.adxcore.platform.core.PlatformContext;
import io.temporal.client.WorkflowStub;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * {@link TemplateClient}: the workflow id {@code <type>/<tenant>/<key>} is unambiguous, bounded and a valid causation
 * id; {@code start} takes the context bound on the calling thread (or an explicit one), refuses to start without a
 * tenant, and leaves the caller's context as it was.
 */
class TemplateClientTest {

    private static final String TYPE = "PlaceOrderWorkflow";
    private static final UUID TENANT = TemplateHarness.TENANT_A;
    private static TemplateHarness harness;

    @BeforeAll
    static void startWorker() {
        harness = new TemplateHarness();
        harness.startPermitting();
    }

    @AfterAll
    static void stopWorker() {
        harness.close();
    }

    @BeforeEach
    void forgetActivities() {
        harness.activities.seen.clear();
    }

    @Test
    void workflowIdJoinsTypeTenantUuidAndKeyWithSlashes() {
        assertThat(TemplateClient.workflowId(TYPE, TENANT, "order-1"))
                .isEqualTo("PlaceOrderWorkflow/0b6f1f5e-3a1d-4c8e-9f00-0000000000a1/order-1");
    }

    @Test
    void idempotencyKeyContainingSlashIsRejectedSoItCannotReachIntoAnotherTenant() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, "b/c"))
                .withMessage("idempotencyKey must not contain '/', since it separates the parts of the workflow id "
                        + "(at index 1)");
    }

    @Test
    void workflowTypeContainingSlashIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId("Place/Order", TENANT, "k"))
                .withMessage("workflowType must not contain '/', since it separates the parts of the workflow id "
                        + "(at index 5)");
    }

    @Test
    void charactersOutsideTheCausationAlphabetAreRejectedWithoutEchoingTheValue() {
        for (String key : new String[] {"order 1", "order\n1", "k\u007f", "k\u00e9", "k\uD800", "k😀", "a#b", "a\"b"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, key))
                    .withMessageStartingWith("idempotencyKey may contain only A-Z a-z 0-9 . _ : + = @ | ~ -, so that "
                            + "the workflow id is a valid causation id (U+")
                    .withMessageNotContaining(key);
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, "order\n1"))
                .withMessageEndingWith("(U+000A at index 5)");
    }

    @Test
    void everyCharacterOfTheAlphabetIsAccepted() {
        String key = "AZaz09._:+=@|~-";

        assertThat(TemplateClient.workflowId(TYPE, TENANT, key)).endsWith("/" + key);
    }

    @Test
    void emptyOrMissingPartsAreRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, ""))
                .withMessage("idempotencyKey must not be empty: it is part of the workflow id");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, null))
                .withMessage("idempotencyKey must not be empty: it is part of the workflow id");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId("", TENANT, "k"))
                .withMessage("workflowType must not be empty: it is part of the workflow id");
    }

    @Test
    void partsLongerThan200CharactersAreRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, TENANT, "k".repeat(201)))
                .withMessage("idempotencyKey must be at most 200 characters (was 201)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId("T".repeat(5000), TENANT, "k"))
                .withMessage("workflowType must be at most 200 characters (was 5000)");
    }

    @Test
    void theLongestWorkflowIdIs438CharactersAndAValidCausationId() {
        String id = TemplateClient.workflowId("T".repeat(200), TENANT, "~".repeat(200));

        assertThat(id).hasSize(438);
        assertThat(PlatformContext.builder().causationId(id).build().causationId())
                .contains(id);
    }

    @Test
    void theSameIdempotencyKeyInTwoTenantsStartsTwoSeparateExecutions() {
        WorkflowStub tenantA = harness.client.start(
                Orders.PlaceOrderWorkflow.class,
                TemplateHarness.context(TemplateHarness.TENANT_A),
                "same-key",
                Orders.Order.of("ok"));
        WorkflowStub tenantB = harness.client.start(
                Orders.PlaceOrderWorkflow.class,
                TemplateHarness.context(TemplateHarness.TENANT_B),
                "same-key",
                Orders.Order.of("ok"));

        assertThat(StandardWorkflowTest.result(tenantA).workflowId())
                .isEqualTo(TYPE + "/" + TemplateHarness.TENANT_A + "/same-key");
        assertThat(StandardWorkflowTest.result(tenantB).workflowId())
                .isEqualTo(TYPE + "/" + TemplateHarness.TENANT_B + "/same-key");
        assertThat(tenantA.getExecution().getRunId())
                .isNotEqualTo(tenantB.getExecution().getRunId());
        assertThat(harness.activities.seen)
                .extracting(seen -> seen.context().tenantId().orElseThrow())
                .containsExactlyInAnyOrder(TemplateHarness.TENANT_A, TemplateHarness.TENANT_B);
    }

    @Test
    void startWithoutAContextUsesTheOneBoundOnTheCallingThreadRolesIncluded() {
        PlatformContext request = TemplateHarness.context(TemplateHarness.TENANT_B).toBuilder()
                .roles("member", "approver")
                .build();

        WorkflowStub stub;
        try (PlatformContext.Scope ignored = request.bind()) {
            stub = harness.client.start(Orders.PlaceOrderWorkflow.class, "bound-1", Orders.Order.of("ok"));
        }
        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(stub);

        assertThat(output.workflowId()).isEqualTo(TYPE + "/" + TemplateHarness.TENANT_B + "/bound-1");
        assertThat(harness.activities.seen)
                .singleElement()
                .satisfies(seen ->
                        assertThat(seen.context()).isEqualTo(TemplateHarness.causedBy(request, output.workflowId())));
    }

    @Test
    void startWithoutAContextRefusesWhenNoneIsBound() {
        try (PlatformContext.Scope ignored = PlatformContext.bindNone()) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> harness.client.start(Orders.PlaceOrderWorkflow.class, "k", Orders.Order.of("ok")))
                    .withMessage("TemplateClient.start without a context uses the PlatformContext bound on the calling "
                            + "thread, and none is bound on thread '"
                            + Thread.currentThread().getName() + "': bind the "
                            + "request's context (try (var scope = context.bind()) { ... }) or pass it with "
                            + "start(type, context, key, input)");
        }
        assertThat(harness.activities.seen).isEmpty();
    }

    @Test
    void startWithoutAContextRefusesABoundContextWithoutTenant() {
        PlatformContext system =
                PlatformContext.builder().correlationId("corr-system").build();

        try (PlatformContext.Scope ignored = system.bind()) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> harness.client.start(Orders.PlaceOrderWorkflow.class, "k", Orders.Order.of("ok")))
                    .withMessageContaining("has no tenant (correlation id corr-system)");
        }
    }

    @Test
    void startWithAnExplicitContextWithoutTenantIsRefused() {
        PlatformContext system =
                PlatformContext.builder().correlationId("corr-system").build();

        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> harness.client.start(Orders.PlaceOrderWorkflow.class, system, "k", Orders.Order.of("ok")))
                .withMessage("the PlatformContext has no tenant (correlation id corr-system), and a template workflow "
                        + "runs for one tenant: build the context with PlatformContext.builder().tenantId(...)");
    }

    @Test
    void startWithAnExplicitContextRestoresTheContextAndMdcTheCallerHadBound() {
        PlatformContext caller = TemplateHarness.context(TemplateHarness.TENANT_B).toBuilder()
                .correlationId("outer")
                .build();
        PlatformContext explicit = TemplateHarness.context(TemplateHarness.TENANT_A);

        try (PlatformContext.Scope ignored = caller.bind()) {
            WorkflowStub stub = harness.client.start(
                    Orders.PlaceOrderWorkflow.class, explicit, "explicit-1", Orders.Order.of("ok"));

            assertThat(PlatformContext.current()).contains(caller);
            assertThat(MDC.get("tenant_id")).isEqualTo(TemplateHarness.TENANT_B.toString());
            assertThat(MDC.get("correlation_id")).isEqualTo("outer");
            StandardWorkflowTest.result(stub);
        }
        assertThat(harness.activities.seen)
                .extracting(seen -> seen.context().tenantId().orElseThrow())
                .containsExactly(TemplateHarness.TENANT_A);
    }

    @Test
    void startRejectsAnInvalidKeyBeforeStartingAnything() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> harness.client.start(
                        Orders.PlaceOrderWorkflow.class, TemplateHarness.context(TENANT), "b/c", Orders.Order.of("ok")))
                .withMessage("idempotencyKey must not contain '/', since it separates the parts of the workflow id "
                        + "(at index 1)");
        assertThat(harness.activities.seen).isEmpty();
    }
}
