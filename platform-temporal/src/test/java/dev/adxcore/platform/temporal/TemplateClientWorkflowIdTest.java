package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.Test;

/**
 * The workflow id {@code <type>/<tenant>/<key>}: every part is validated so that the id is unambiguous, and
 * one tenant can never address another tenant's execution.
 */
class TemplateClientWorkflowIdTest {

    private static final String TYPE = "PlaceOrderWorkflow";

    @Test
    void workflowIdJoinsTypeTenantAndKeyWithSlashes() {
        assertThat(TemplateClient.workflowId(TYPE, "tenant-a", "order-1")).isEqualTo("PlaceOrderWorkflow/tenant-a/order-1");
    }

    @Test
    void tenantIdContainingSlashIsRejectedSoItCannotImpersonateAnotherTenantsKey() {
        // tenant "a/b" + key "c" would otherwise be the id of tenant "a" + key "b/c"
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a/b", "c"))
                .withMessage("tenantId must not contain '/', since it separates the parts of the workflow id "
                        + "(was 'a/b')");
    }

    @Test
    void idempotencyKeyContainingSlashIsRejectedSoItCannotReachIntoAnotherTenant() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "b/c"))
                .withMessage("idempotencyKey must not contain '/', since it separates the parts of the workflow id "
                        + "(was 'b/c')");
    }

    @Test
    void workflowTypeContainingSlashIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId("Place/Order", "a", "k"))
                .withMessage("workflowType must not contain '/', since it separates the parts of the workflow id "
                        + "(was 'Place/Order')");
    }

    @Test
    void tenantsAndKeysSplitDifferentlyNeverShareAWorkflowId() {
        assertThat(TemplateClient.workflowId(TYPE, "a-b", "c")).isNotEqualTo(TemplateClient.workflowId(TYPE, "a", "b-c"));
        assertThat(TemplateClient.workflowId(TYPE, "a b", "c")).isNotEqualTo(TemplateClient.workflowId(TYPE, "a", "b c"));
        assertThat(TemplateClient.workflowId(TYPE, "a\\", "c")).isNotEqualTo(TemplateClient.workflowId(TYPE, "a", "\\c"));
    }

    @Test
    void controlCharactersAreRejectedWithoutEchoingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "order\n1"))
                .withMessage("idempotencyKey must not contain control characters, since it is part of the workflow id "
                        + "(U+000A at index 5)");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "\u0000a", "k"))
                .withMessage("tenantId must not contain control characters, since it is part of the workflow id "
                        + "(U+0000 at index 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "k\u007f"))
                .withMessage("idempotencyKey must not contain control characters, since it is part of the workflow id "
                        + "(U+007F at index 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "k\u0085"))
                .withMessage("idempotencyKey must not contain control characters, since it is part of the workflow id "
                        + "(U+0085 at index 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "\tk"))
                .withMessage("idempotencyKey must not contain control characters, since it is part of the workflow id "
                        + "(U+0009 at index 0)");
    }

    @Test
    void blankOrMissingPartsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", ""))
                .withMessage("idempotencyKey must not be blank (was '')");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", " \u3000 "))
                .withMessage("idempotencyKey must not be blank (was ' \u3000 ')");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", null))
                .withMessage("idempotencyKey must not be blank (was 'null')");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, " ", "k"))
                .withMessage("tenantId must not be blank (was ' ')");
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId("", "a", "k"))
                .withMessage("workflowType must not be blank (was '')");
    }

    @Test
    void partsLongerThan200CharactersAreRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "k".repeat(201)))
                .withMessage("idempotencyKey must be at most 200 characters (was 201)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemplateClient.workflowId(TYPE, "t".repeat(5000), "k"))
                .withMessage("tenantId must be at most 200 characters (was 5000)");
    }

    @Test
    void partsOfExactly200CharactersAreAccepted() {
        String key = "k".repeat(200);

        assertThat(TemplateClient.workflowId(TYPE, "a", key)).isEqualTo(TYPE + "/a/" + key);
    }

    @Test
    void whitespaceInsideAPartIsKeptVerbatimNotTrimmed() {
        // The contract rejects only '/', control characters and unpaired surrogates; whitespace cannot split a
        // part, so it is kept as is: " order 1 " and "order 1" are different operations.
        assertThat(TemplateClient.workflowId(TYPE, "tenant a", " order 1 ")).isEqualTo(TYPE + "/tenant a/ order 1 ");
        assertThat(TemplateClient.workflowId(TYPE, "a", "order\u00a01")).isEqualTo(TYPE + "/a/order\u00a01");
    }

    @Test
    void unpairedSurrogateIsRejectedBecauseTheServerWouldSeeAQuestionMark() {
        // Over gRPC the id is UTF-8: key "k" + U+D800 would become "k?", the id of key "k?".
        assertThatIllegalArgumentException().isThrownBy(() -> TemplateClient.workflowId(TYPE, "a", "k\uD800"))
                .withMessage("idempotencyKey must not contain unpaired surrogate characters, since it is part of the "
                        + "workflow id (at index 1)");
        assertThat(TemplateClient.workflowId(TYPE, "a", "k😀")).isEqualTo(TYPE + "/a/k😀");
    }

    @Test
    void startRejectsATenantContainingSlashBeforeStartingAnything() {
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();
            WorkflowContext slashTenant = TemplateHarness.context("a/b");

            assertThatIllegalArgumentException().isThrownBy(() -> harness.client.start(Orders.PlaceOrderWorkflow.class,
                    slashTenant, "c", Orders.Order.of("ok")))
                    .withMessage("tenantId must not contain '/', since it separates the parts of the workflow id "
                            + "(was 'a/b')");
            assertThatIllegalArgumentException().isThrownBy(() -> harness.client.start(Orders.PlaceOrderWorkflow.class,
                    TemplateHarness.context("a"), "b/c", Orders.Order.of("ok")))
                    .withMessage("idempotencyKey must not contain '/', since it separates the parts of the workflow id "
                            + "(was 'b/c')");
            assertThat(harness.activities.reserveAttempts).hasValue(0);
        }
    }

    @Test
    void theSameIdempotencyKeyInTwoTenantsStartsTwoSeparateExecutions() {
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();

            WorkflowStub tenantA = harness.client.start(Orders.PlaceOrderWorkflow.class,
                    TemplateHarness.context("tenant-a"), "order-1", Orders.Order.of("ok"));
            WorkflowStub tenantB = harness.client.start(Orders.PlaceOrderWorkflow.class,
                    TemplateHarness.context("tenant-b"), "order-1", Orders.Order.of("ok"));

            assertThat(StandardWorkflowTest.result(tenantA).workflowId()).isEqualTo(TYPE + "/tenant-a/order-1");
            assertThat(StandardWorkflowTest.result(tenantB).workflowId()).isEqualTo(TYPE + "/tenant-b/order-1");
            assertThat(tenantA.getExecution().getRunId()).isNotEqualTo(tenantB.getExecution().getRunId());
            assertThat(harness.activities.seen).extracting(seen -> seen.context().tenantId())
                    .containsExactlyInAnyOrder("tenant-a", "tenant-b");
        }
    }
}
