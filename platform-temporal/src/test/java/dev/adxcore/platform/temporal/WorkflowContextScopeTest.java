package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.temporal.internal.CurrentContext;
import io.temporal.client.WorkflowStub;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** {@link WorkflowContext#bind()} on a client thread: what is current while a scope is open and after it closes. */
class WorkflowContextScopeTest {

    private static final WorkflowContext OUTER = WorkflowContext.builder("tenant-outer").userId("user-outer")
            .correlationId("corr-outer").traceId("trace-outer").build();
    private static final WorkflowContext INNER = WorkflowContext.builder("tenant-inner")
            .correlationId("corr-inner").traceId("trace-inner").build();
    private static final WorkflowContext THIRD = WorkflowContext.builder("tenant-third")
            .correlationId("corr-third").traceId("trace-third").build();

    @BeforeEach
    void startClean() {
        CurrentContext.clear();
        MDC.clear();
    }

    @AfterEach
    void cleanUp() {
        CurrentContext.clear();
        MDC.clear();
    }

    @Test
    void closingTheOnlyScopeLeavesNoContextAndNoMdcKeys() {
        try (WorkflowContext.Scope ignored = OUTER.bind()) {
            assertThat(WorkflowContext.current()).contains(OUTER);
            assertThat(MDC.get("tenant_id")).isEqualTo("tenant-outer");
        }

        assertThat(WorkflowContext.current()).isEmpty();
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void closingANestedScopeRestoresTheOuterContextAndItsMdcKeys() {
        try (WorkflowContext.Scope outer = OUTER.bind()) {
            try (WorkflowContext.Scope inner = INNER.bind()) {
                assertThat(WorkflowContext.current()).contains(INNER);
                assertThat(MDC.get("tenant_id")).isEqualTo("tenant-inner");
                assertThat(MDC.get("user_id")).as("INNER has no user").isNull();
            }

            assertThat(WorkflowContext.current()).contains(OUTER);
            assertThat(MDC.get("tenant_id")).isEqualTo("tenant-outer");
            assertThat(MDC.get("user_id")).isEqualTo("user-outer");
            assertThat(MDC.get("correlation_id")).isEqualTo("corr-outer");
            assertThat(MDC.get("trace_id")).isEqualTo("trace-outer");
        }
        assertThat(WorkflowContext.current()).isEmpty();
    }

    @Test
    void threeLevelsOfNestingUnwindInReverseOrder() {
        WorkflowContext.Scope outer = OUTER.bind();
        WorkflowContext.Scope inner = INNER.bind();
        WorkflowContext.Scope third = THIRD.bind();

        third.close();
        assertThat(WorkflowContext.current()).contains(INNER);
        inner.close();
        assertThat(WorkflowContext.current()).contains(OUTER);
        outer.close();
        assertThat(WorkflowContext.current()).isEmpty();
    }

    @Test
    void closingRestoresMdcValuesThatWereSetWithoutAContext() {
        // e.g. platform-observability's LogContext filled the MDC for the incoming HTTP request
        MDC.put("tenant_id", "tenant-from-request");
        MDC.put("user_id", "user-from-request");
        MDC.put("unrelated", "kept");

        try (WorkflowContext.Scope ignored = INNER.bind()) {
            assertThat(MDC.get("tenant_id")).isEqualTo("tenant-inner");
            assertThat(MDC.get("user_id")).isNull();
        }

        assertThat(WorkflowContext.current()).isEmpty();
        assertThat(MDC.get("tenant_id")).isEqualTo("tenant-from-request");
        assertThat(MDC.get("user_id")).isEqualTo("user-from-request");
        assertThat(MDC.get("correlation_id")).isNull();
        assertThat(MDC.get("trace_id")).isNull();
        assertThat(MDC.get("unrelated")).isEqualTo("kept");
    }

    @Test
    void closingAScopeASecondTimeDoesNotUndoAScopeBoundAfterIt() {
        WorkflowContext.Scope outer = OUTER.bind();
        WorkflowContext.Scope inner = INNER.bind();
        inner.close();
        WorkflowContext.Scope third = THIRD.bind();

        inner.close();

        assertThat(WorkflowContext.current()).contains(THIRD);
        assertThat(MDC.get("tenant_id")).isEqualTo("tenant-third");
        third.close();
        outer.close();
        assertThat(WorkflowContext.current()).isEmpty();
    }

    @Test
    void aScopeOnOneThreadIsInvisibleToAnotherThread() throws Exception {
        try (WorkflowContext.Scope ignored = OUTER.bind()) {
            Thread other = new Thread(() -> {
                if (WorkflowContext.current().isPresent() || MDC.get("tenant_id") != null) {
                    throw new AssertionError("context leaked to another thread");
                }
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            other.setUncaughtExceptionHandler((t, e) -> failure.set(e));
            other.start();
            other.join();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void templateClientStartRestoresTheContextTheCallerHadBound() {
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();
            try (WorkflowContext.Scope ignored = OUTER.bind()) {
                WorkflowStub stub = harness.client.start(Orders.PlaceOrderWorkflow.class,
                        TemplateHarness.context("tenant-a"), "order-1", Orders.Order.of("ok"));

                assertThat(WorkflowContext.current()).contains(OUTER);
                assertThat(MDC.get("tenant_id")).isEqualTo("tenant-outer");
                assertThat(StandardWorkflowTest.result(stub).status()).isEqualTo(WorkflowStatus.COMPLETED);
            }
            assertThat(harness.activities.seen).extracting(Orders.Seen::context)
                    .containsExactly(TemplateHarness.context("tenant-a"));
        }
    }
}
