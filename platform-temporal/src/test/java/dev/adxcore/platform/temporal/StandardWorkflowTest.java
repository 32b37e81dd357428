package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.adxcore.platform.events.Event;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.util.List;
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
            return Orders.PlaceOrderWorkflow.class.getMethod("place", Orders.Order.class).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void completedWorkflowReturnsOutputAndPublishesCompletionEventWithContext() throws Exception {
        harness.startPermitting();

        WorkflowStub stub = harness.start("order-1", Orders.Order.of("ok"));
        StandardWorkflowOutput<Orders.Placed> output = result(stub);

        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(output.workflowId()).isEqualTo("PlaceOrderWorkflow/tenant-a/order-1");
        assertThat(output.result()).isEqualTo(new Orders.Placed("R-book-1"));
        Event event = harness.nextEvent();
        assertThat(event.type()).isEqualTo("order.place.completed");
        assertThat(event.tenantId()).contains("tenant-a");
        assertThat(event.userId()).contains("user-7");
        assertThat(event.correlationId()).isEqualTo("corr-tenant-a");
        assertThat(event.causationId()).contains("PlaceOrderWorkflow/tenant-a/order-1");
        assertThat(event.extensions()).containsEntry("traceid", "4bf92f3577b34da6a3ce929d0e0e4736");
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
        harness.start(harness.runner().permissionChecker((ctx, op) -> !ctx.tenantId().equals("tenant-b")
                || !op.equals(Orders.OPERATION)));

        WorkflowStub stub = harness.client.start(Orders.PlaceOrderWorkflow.class, TemplateHarness.context("tenant-b"),
                "order-1", Orders.Order.of("ok"));
        WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class, () -> result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.isNonRetryable()).isTrue();
        assertThat(cause.getOriginalMessage()).contains("order.place").contains("tenant-b");
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
        assertThat(((ApplicationFailure) failure.getCause().getCause()).getType()).isEqualTo("OutOfStock");
        Event event = harness.nextEvent();
        assertThat(event.type()).isEqualTo("order.place.failed");
        assertThat(event.tenantId()).contains("tenant-a");
        assertThat(event.data()).contains("\"status\":\"FAILED\"").contains("\"failureType\":\"OutOfStock\"")
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
        assertThat(event.data()).contains("\"status\":\"CANCELLED\"");
    }

    @Test
    void contextArrivesIntactInEveryActivityIncludingChildWorkflowsAndInTheMdc() throws Exception {
        harness.startPermitting();
        WorkflowContext context = TemplateHarness.context("tenant-a");

        result(harness.start("order-1", Orders.Order.of("child")));

        assertThat(harness.activities.seen).extracting(Orders.Seen::activityType).containsExactly("Reserve", "Ship");
        assertThat(harness.activities.seen).allSatisfy(seen -> {
            assertThat(seen.context()).isEqualTo(context);
            assertThat(seen.mdc()).containsEntry("tenant_id", "tenant-a").containsEntry("user_id", "user-7")
                    .containsEntry("correlation_id", "corr-tenant-a")
                    .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        });
        Event event = harness.nextEvent();
        assertThat(event.correlationId()).isEqualTo(context.correlationId());
    }
}
