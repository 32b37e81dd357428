package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.temporal.internal.TracingInterceptors;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With no OTel SDK and no agent the tracing interceptors change nothing: workflows and activities run with exactly
 * the context they had, and the {@code _tracer-data} header passes the caller's trace on unchanged.
 */
@Timeout(60)
class TemporalTracingWithoutSdkTest {

    @Test
    void withNoSdkTheWorkflowRunsUnchangedAndTheHeaderCarriesTheCallersTrace() {
        assertThat(GlobalOpenTelemetry.getTracer("probe")
                        .spanBuilder("probe")
                        .startSpan()
                        .getSpanContext()
                        .isValid())
                .as("no SDK installed")
                .isFalse();
        try (TemplateHarness harness = new TemplateHarness()) {
            harness.startPermitting();
            StandardWorkflowOutput<Orders.Placed> output =
                    StandardWorkflowTest.result(harness.start("plain", Orders.Order.of("ok")));

            assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(harness.activities.seen)
                    .singleElement()
                    .satisfies(seen -> assertThat(seen.context())
                            .isEqualTo(TemplateHarness.causedBy(
                                    TemplateHarness.context(TemplateHarness.TENANT_A), output.workflowId())));
            HistoryEvent started =
                    harness.env.getWorkflowClient().fetchHistory(output.workflowId()).getEvents().stream()
                            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                            .findFirst()
                            .orElseThrow();
            Payload tracerData = started.getWorkflowExecutionStartedEventAttributes()
                    .getHeader()
                    .getFieldsMap()
                    .get(TracingInterceptors.HEADER);
            assertThat(tracerData).isNotNull();
            assertThat(DefaultDataConverter.STANDARD_INSTANCE.fromPayload(tracerData, Map.class, Map.class))
                    .containsEntry("traceparent", TemplateHarness.TRACE.toHeader());
        }
    }
}
