package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.events.Event;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StandardWorkflowTest {

    private TemplateHarness harness;

    @BeforeEach
    void setUp() {
        harness = new TemplateHarness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @SuppressWarnings("unchecked")
    static StandardWorkflowOutput<Orders.Placed> result(WorkflowStub stub) {
        return stub.getResult(StandardWorkflowOutput.class, typeOf());
    }

    static java.lang.reflect.Type typeOf() {
        try {
            return Orders.PlaceOrderWorkflow.class
                    .getMethod("place", Orders.Order.class)
                    .getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void completedWorkflowReturnsOutputAndPublishesCompletionEventWithContext() throws Exception {
        harness.startPermitting();

        WorkflowStub stub = harness.start("order-1", Orders.Order.of("ok"));
        StandardWorkflowOutput<Orders.Placed> output = result(stub);

        String workflowId = "PlaceOrderWorkflow/" + TemplateHarness.TENANT_A + "/order-1";
        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(output.workflowId()).isEqualTo(workflowId);
        assertThat(output.result()).isEqualTo(new Orders.Placed("R-book-1"));
        Event event = harness.nextEvent();
        PlatformContext sent = TemplateHarness.context(TemplateHarness.TENANT_A);
        assertThat(event.type()).isEqualTo("order.place.completed");
        assertThat(event.tenantId()).contains(TemplateHarness.TENANT_A);
        assertThat(event.userId()).contains("user-7");
        assertThat(event.correlationId()).isEqualTo(sent.correlationId());
        assertThat(event.causationId()).contains(workflowId);
        assertThat(event.subject()).contains(workflowId);
        assertThat(event.extensions())
                .containsEntry("traceparent", TemplateHarness.TRACE.toHeader())
                .doesNotContainKey("traceid");
        assertThat(event.data()).contains("\"status\":\"COMPLETED\"").contains("\"reservation\":\"R-book-1\"");
    }

    @Test
    void invalidInputFailsWithNonRetryableValidationErrorListingEveryMessageAndPublishesNothing() throws Exception {
        harness.startPermitting();

        WorkflowStub stub = harness.start("order-1", new Orders.Order(" ", 0, "ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.VALIDATION_ERROR);
        assertThat(cause.isNonRetryable()).isTrue();
        assertThat(cause.getDetails().get(List.class))
                .containsExactly("item must not be blank", "quantity must be >= 1 (was 0)");
        assertThat(harness.activities.reserveAttempts).hasValue(0);
        assertThat(harness.eventsBeforeSentinel()).isEmpty();
    }

    @Test
    void deniedPermissionFailsWithNonRetryablePermissionDeniedAndPublishesNothing() throws Exception {
        harness.start(harness.runner()
                .permissionChecker((ctx, op) -> !ctx.tenantId().orElseThrow().equals(TemplateHarness.TENANT_B)
                        || !op.equals(Orders.OPERATION)));

        WorkflowStub stub = harness.client.start(
                Orders.PlaceOrderWorkflow.class,
                TemplateHarness.context(TemplateHarness.TENANT_B),
                "order-1",
                Orders.Order.of("ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.isNonRetryable()).isTrue();
        assertThat(cause.getOriginalMessage())
                .isEqualTo("operation 'order.place' denied for tenant " + TemplateHarness.TENANT_B + ", user user-7");
        assertThat(harness.activities.reserveAttempts).hasValue(0);
        assertThat(harness.eventsBeforeSentinel()).isEmpty();
    }

    @Test
    void noPermissionCheckerConfiguredDeniesTheOperation() throws Exception {
        harness.start(harness.runner());

        WorkflowStub stub = harness.start("order-1", Orders.Order.of("ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.isNonRetryable()).isTrue();
        assertThat(cause.getOriginalMessage()).contains("no PermissionChecker is configured");
        assertThat(harness.activities.reserveAttempts).hasValue(0);
        assertThat(harness.events).isEmpty();
    }

    @Test
    void transientActivityFailureIsRetriedUntilItSucceeds() {
        harness.activities.transientFailures = 2;
        harness.startPermitting();

        StandardWorkflowOutput<Orders.Placed> output = result(harness.start("order-1", Orders.Order.of("ok")));

        assertThat(output.result()).isEqualTo(new Orders.Placed("R-book-3"));
        assertThat(harness.activities.reserveAttempts).hasValue(3);
    }

    @Test
    void businessFailurePublishesFailureEventAndFailsTheWorkflow() throws Exception {
        harness.startPermitting();

        WorkflowStub stub = harness.start("order-1", Orders.Order.of("fail"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        assertThat(failure.getCause()).isInstanceOf(ActivityFailure.class);
        assertThat(((ApplicationFailure) failure.getCause().getCause()).getType())
                .isEqualTo("OutOfStock");
        Event event = harness.nextEvent();
        assertThat(event.type()).isEqualTo("order.place.failed");
        assertThat(event.tenantId()).contains(TemplateHarness.TENANT_A);
        assertThat(event.causationId()).contains(stub.getExecution().getWorkflowId());
        assertThat(event.extensions()).containsEntry("traceparent", TemplateHarness.TRACE.toHeader());
        assertThat(event.data())
                .contains("\"status\":\"FAILED\"")
                .contains("\"failureType\":\"OutOfStock\"")
                .contains("out of stock: book");
    }

    @Test
    void cancellationDuringBusinessStepPublishesCancelledEventAndCancelsTheWorkflow() throws Exception {
        harness.startPermitting();

        WorkflowStub stub = harness.start("order-1", Orders.Order.of("await"));
        harness.activities.entered.await();
        stub.cancel();
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        assertThat(failure.getCause()).isInstanceOf(CanceledFailure.class);
        Event event = harness.nextEvent();
        assertThat(event.type()).isEqualTo("order.place.cancelled");
        assertThat(event.correlationId())
                .isEqualTo(TemplateHarness.context(TemplateHarness.TENANT_A).correlationId());
        assertThat(event.causationId()).contains(stub.getExecution().getWorkflowId());
        assertThat(event.data()).contains("\"status\":\"CANCELLED\"");
    }

    @Test
    void contextArrivesInEveryActivityIncludingChildWorkflowsCausedByTheWorkflowThatScheduledIt() throws Exception {
        harness.startPermitting();
        PlatformContext sent = TemplateHarness.context(TemplateHarness.TENANT_A);
        String workflowId = "PlaceOrderWorkflow/" + TemplateHarness.TENANT_A + "/order-1";

        result(harness.start("order-1", Orders.Order.of("child")));

        assertThat(harness.activities.seen).extracting(Orders.Seen::where).containsExactly("Reserve", "Ship");
        Orders.Seen reserve = harness.activities.seen.poll();
        Orders.Seen ship = harness.activities.seen.poll();
        assertThat(reserve.context()).isEqualTo(TemplateHarness.causedBy(sent, workflowId));
        assertThat(ship.context())
                .as("the child workflow's activity is caused by the child workflow")
                .isEqualTo(TemplateHarness.causedBy(sent, workflowId + "/ship"));
        assertThat(reserve.mdc())
                .containsEntry("tenant_id", TemplateHarness.TENANT_A.toString())
                .containsEntry("user_id", "user-7")
                .containsEntry("correlation_id", sent.correlationId())
                .containsEntry("causation_id", workflowId)
                .containsEntry("trace_id", TemplateHarness.TRACE.traceId())
                .containsEntry("span_id", TemplateHarness.TRACE.spanId());
        assertThat(harness.nextEvent().correlationId()).isEqualTo(sent.correlationId());
    }

    @Test
    void permissionCheckerSeesTheRolesSoOnlyApproversMayRunTheOperation() throws Exception {
        harness.start(harness.runner().permissionChecker((ctx, op) -> ctx.hasRole("approver")));
        PlatformContext approver = TemplateHarness.context(TemplateHarness.TENANT_A).toBuilder()
                .roles("member", "approver")
                .build();
        PlatformContext member = TemplateHarness.context(TemplateHarness.TENANT_A);

        StandardWorkflowOutput<Orders.Placed> approved = result(
                harness.client.start(Orders.PlaceOrderWorkflow.class, approver, "order-1", Orders.Order.of("ok")));
        WorkflowStub denied =
                harness.client.start(Orders.PlaceOrderWorkflow.class, member, "order-2", Orders.Order.of("ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(denied));

        assertThat(approved.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(((ApplicationFailure) failure.getCause()).getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(harness.activities.seen)
                .singleElement()
                .satisfies(seen -> assertThat(seen.context().roles()).containsExactly("member", "approver"));
    }

    @Test
    void workflowStartedWithoutAnyContextIsDeniedWithoutAskingTheChecker() throws Exception {
        harness.start(harness.runner().permissionChecker((ctx, op) -> {
            throw new AssertionError("the checker must not be asked without a context");
        }));

        WorkflowStub stub = harness.env
                .getWorkflowClient()
                .newUntypedWorkflowStub(
                        "PlaceOrderWorkflow",
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(TemplateHarness.QUEUE)
                                .setWorkflowId("no-context")
                                .build());
        stub.start(Orders.Order.of("ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.getOriginalMessage()).startsWith("the workflow carries no PlatformContext");
        assertThat(harness.activities.reserveAttempts).hasValue(0);
    }

    @Test
    void workflowStartedWithAContextWithoutTenantIsDeniedFailClosed() throws Exception {
        harness.start(harness.runner().permissionChecker((ctx, op) -> true));
        PlatformContext system = PlatformContext.builder()
                .userId("batch-job")
                .correlationId("corr-system")
                .build();

        WorkflowStub stub = harness.env
                .getWorkflowClient()
                .newUntypedWorkflowStub(
                        "PlaceOrderWorkflow",
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(TemplateHarness.QUEUE)
                                .setWorkflowId("no-tenant")
                                .build());
        try (PlatformContext.Scope ignored = system.bind()) {
            stub.start(Orders.Order.of("ok"));
        }
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.getOriginalMessage())
                .isEqualTo("the workflow's PlatformContext has no tenant (correlation id "
                        + "corr-system), so the operation is denied: a template workflow runs for one tenant");
        assertThat(harness.activities.reserveAttempts).hasValue(0);
    }

    @Test
    void workflowIdThatIsNotAValidCausationIdMakesTheRunIdTheEventsCausation() throws Exception {
        harness.startPermitting();
        String foreignId = "imported order #42 \u00e9".repeat(3); // spaces, '#', non-ASCII: not a causation id

        WorkflowStub stub = harness.env
                .getWorkflowClient()
                .newUntypedWorkflowStub(
                        "PlaceOrderWorkflow",
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(TemplateHarness.QUEUE)
                                .setWorkflowId(foreignId)
                                .build());
        try (PlatformContext.Scope ignored =
                TemplateHarness.context(TemplateHarness.TENANT_A).bind()) {
            stub.start(Orders.Order.of("ok"));
        }
        result(stub);
        Event event = harness.nextEvent();

        String runId = stub.getExecution().getRunId();
        assertThat(event.causationId()).contains(runId);
        assertThat(event.subject()).contains(foreignId);
        assertThat(harness.activities.seen.peek().context().causationId()).contains(runId);
        assertThat(UUID.fromString(runId)).isNotNull();
    }
}
