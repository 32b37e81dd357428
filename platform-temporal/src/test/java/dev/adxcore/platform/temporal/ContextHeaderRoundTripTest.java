package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.adxcore.platform.events.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The context travels client → workflow → activity in Temporal headers (JSON string payloads). Every value
 * {@link WorkflowContext.Builder#build()} accepts must arrive unchanged; every value it cannot carry
 * unchanged must be rejected there, on the client, with a message naming the field.
 */
class ContextHeaderRoundTripTest {

    private TemplateHarness harness;

    @BeforeEach
    void setUp() {
        harness = new TemplateHarness();
        harness.startPermitting();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** Runs one template workflow with {@code sent} and returns the context its activity saw. */
    private Orders.Seen roundTrip(WorkflowContext sent) {
        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(
                harness.client.start(Orders.PlaceOrderWorkflow.class, sent, "order-1", Orders.Order.of("ok")));
        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(harness.activities.seen).hasSize(1);
        return harness.activities.seen.peek();
    }

    @Test
    void quotesBackslashesAndSeparatorCharactersArriveUnchanged() {
        WorkflowContext sent = WorkflowContext.builder("t\"en\\ant=1;x,y'")
                .userId("\"quoted\" \\back\\slash\\ /path/ a=b; c=d, e")
                .correlationId("\\\"}{\"injected\":\"yes\"}")
                .traceId("\\u0041 not an escape \\n either")
                .build();

        Orders.Seen seen = roundTrip(sent);

        assertThat(seen.context()).isEqualTo(sent);
        assertThat(seen.context().userId()).contains("\"quoted\" \\back\\slash\\ /path/ a=b; c=d, e");
        assertThat(seen.mdc()).containsEntry("tenant_id", "t\"en\\ant=1;x,y'")
                .containsEntry("correlation_id", "\\\"}{\"injected\":\"yes\"}")
                .containsEntry("trace_id", "\\u0041 not an escape \\n either");
    }

    @Test
    void unicodeIncludingSupplementaryCharactersAndLineSeparatorsArrivesUnchanged() {
        WorkflowContext sent = WorkflowContext.builder("テナント-Ünïcödé-😀")
                .userId("مستخدم\u200f \u00a0nbsp \u200dzwj e\u0301")
                .correlationId("line\u2028sep\u2029para \ufeffbom 𝄞")
                .traceId("trace-\u4e2d\u6587")
                .build();

        assertThat(roundTrip(sent).context()).isEqualTo(sent);
    }

    @Test
    void valuesOfTheMaximumLengthArriveUnchanged() {
        String tenant = "t\"\\😀".repeat(40); // 40 × 5 UTF-16 units = 200, each quote and backslash escaped in JSON
        String longId = "\"\\=;,é".repeat(33) + "xy"; // 200
        WorkflowContext sent = WorkflowContext.builder(tenant).userId(longId).correlationId(longId)
                .traceId(longId).build();

        Orders.Seen seen = roundTrip(sent);

        assertThat(tenant).hasSize(200);
        assertThat(longId).hasSize(200);
        assertThat(seen.context()).isEqualTo(sent);
    }

    @Test
    void awkwardValuesArriveUnchangedInThePublishedCompletionEvent() throws Exception {
        WorkflowContext sent = WorkflowContext.builder("t\"en\\ant=1;😀").userId("u\\\"ser,é")
                .correlationId("c=1;d=\"2\"").traceId("tr\\ace").build();

        roundTrip(sent);
        Event event = harness.nextEvent();

        assertThat(event.type()).isEqualTo("order.place.completed");
        assertThat(event.tenantId()).contains("t\"en\\ant=1;😀");
        assertThat(event.userId()).contains("u\\\"ser,é");
        assertThat(event.correlationId()).isEqualTo("c=1;d=\"2\"");
        assertThat(event.extensions()).containsEntry("traceid", "tr\\ace");
        assertThat(event.causationId()).contains("PlaceOrderWorkflow/t\"en\\ant=1;😀/order-1");
    }

    @Test
    void valueLongerThan200CharactersIsRejectedOnTheClientNamingFieldAndLength() {
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder("t".repeat(201)).build())
                .withMessage("tenantId must be at most 200 characters (was 201)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkflowContext.builder("t").userId("u".repeat(10_000)).build())
                .withMessage("userId must be at most 200 characters (was 10000)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkflowContext.builder("t").correlationId("c".repeat(201)).build())
                .withMessage("correlationId must be at most 200 characters (was 201)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkflowContext.builder("t").traceId("x".repeat(201)).build())
                .withMessage("traceId must be at most 200 characters (was 201)");
    }

    @Test
    void controlCharactersAreRejectedOnTheClientNamingTheField() {
        for (String control : new String[] {"\n", "\r", "\t", "\u0000", "\u001b", "\u007f", "\u0085", "\u009f"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> WorkflowContext.builder("tenant" + control).build())
                    .withMessage("tenantId must not contain control characters");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> WorkflowContext.builder("t").userId("user" + control).build())
                    .withMessage("userId must not contain control characters");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> WorkflowContext.builder("t").correlationId(control + "c").build())
                    .withMessage("correlationId must not contain control characters");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> WorkflowContext.builder("t").traceId("x" + control + "y").build())
                    .withMessage("traceId must not contain control characters");
        }
    }

    @Test
    void blankValuesAreRejectedOnTheClientNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder(" \u2003 ").build())
                .withMessage("tenantId must not be blank (was ' \u2003 ')");
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder(null).build())
                .withMessage("tenantId must not be blank (was 'null')");
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder("t").userId("").build())
                .withMessage("userId must not be blank (was '')");
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder("t").correlationId(" ").build())
                .withMessage("correlationId must not be blank (was ' ')");
    }

    @Test
    void unpairedSurrogatesAreRejectedOnTheClientBecauseUtf8CannotCarryThem() {
        // UTF-8 has no encoding for a lone surrogate: the header would arrive with '?' in its place, a different
        // tenant ("a" + U+D800 would become "a?").
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder("a\uD800").build())
                .withMessage("tenantId must not contain unpaired surrogate characters (at index 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> WorkflowContext.builder("t").userId("\uDC00u").build())
                .withMessage("userId must not contain unpaired surrogate characters (at index 0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkflowContext.builder("t").correlationId("c\uDE00\uD83D").build())
                .withMessage("correlationId must not contain unpaired surrogate characters (at index 1)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkflowContext.builder("t").traceId("x\uD83D").build())
                .withMessage("traceId must not contain unpaired surrogate characters (at index 1)");
    }
}
