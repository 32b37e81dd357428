package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.temporal.internal.ContextHeaderCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.context.ContextPropagator;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The context travels client → workflow → activity → event in Temporal headers (JSON string payloads): every value
 * {@link PlatformContext} accepts arrives unchanged, the longest ones and 64 roles included; what the workflow
 * causes carries the workflow's id as causation id; headers a foreign client wrote by hand are read when they are
 * well-formed and make the workflow context-less (so the template denies) when they are not.
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

    /** Every printable ASCII character, quote and backslash included (JSON escapes them). */
    static final String PRINTABLE_ASCII;

    static {
        StringBuilder sb = new StringBuilder();
        for (char c = 0x20; c < 0x7f; c++) {
            sb.append(c);
        }
        PRINTABLE_ASCII = sb.toString();
    }

    /** Every character each field allows, at the maximum length, and the most roles a context carries. */
    static PlatformContext longestContext(UUID tenant) {
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String prefix = "role-" + i + ".";
            roles.add(prefix + "aZ09._:/-".repeat(20).substring(0, 128 - prefix.length()));
        }
        return PlatformContext.builder()
                .tenantId(tenant)
                .userId(fill("user.Name_09:@|+=-", 256))
                .roles(roles)
                .correlationId(fill("Corr.09_:+/=-", 128))
                .causationId(fill("Cause.09_:+/=@|~-", 512))
                .trace(TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                        .orElseThrow())
                .traceState(fill(PRINTABLE_ASCII, 512))
                .causalToken(fill("0/16B3748.lsn_:-", 128))
                .build();
    }

    private static String fill(String alphabet, int length) {
        return alphabet.repeat(length / alphabet.length() + 1).substring(0, length);
    }

    private StandardWorkflowOutput<Orders.Placed> run(PlatformContext sent, String key) {
        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(
                harness.client.start(Orders.PlaceOrderWorkflow.class, sent, key, Orders.Order.of("ok")));
        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        return output;
    }

    @Test
    void theLongestContextWith64RolesArrivesUnchangedInWorkflowCode() {
        PlatformContext sent = longestContext(TemplateHarness.TENANT_A);

        run(sent, "order-1");

        assertThat(sent.roles()).hasSize(64).allSatisfy(role -> assertThat(role).hasSize(128));
        assertThat(sent.traceState()).hasValueSatisfying(s -> assertThat(s).hasSize(512));
        assertThat(Orders.WORKFLOW_SEEN)
                .extracting(Orders.Seen::context)
                .hasSize(2)
                .containsOnly(sent);
        assertThat(Orders.WORKFLOW_SEEN)
                .allSatisfy(seen -> assertThat(seen.mdc())
                        .containsEntry("tenant_id", TemplateHarness.TENANT_A.toString())
                        .containsEntry("user_id", sent.userId().orElseThrow())
                        .containsEntry("correlation_id", sent.correlationId())
                        .containsEntry("causation_id", sent.causationId().orElseThrow())
                        .containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c")
                        .containsEntry("span_id", "b7ad6b7169203331"));
    }

    @Test
    void theLongestContextArrivesInTheActivityCausedByTheWorkflow() {
        PlatformContext sent = longestContext(TemplateHarness.TENANT_A);

        StandardWorkflowOutput<Orders.Placed> output = run(sent, "order-1");

        assertThat(harness.activities.seen).singleElement().satisfies(seen -> {
            assertThat(seen.context()).isEqualTo(TemplateHarness.causedBy(sent, output.workflowId()));
            assertThat(seen.context().roles()).containsExactlyElementsOf(sent.roles());
            assertThat(seen.mdc()).containsEntry("causation_id", output.workflowId());
        });
    }

    @Test
    void aMinimalContextArrivesWithoutValuesItNeverHad() {
        PlatformContext sent = PlatformContext.builder()
                .tenantId(TemplateHarness.TENANT_B)
                .correlationId("c")
                .build();

        StandardWorkflowOutput<Orders.Placed> output = run(sent, "order-1");

        assertThat(Orders.WORKFLOW_SEEN).extracting(Orders.Seen::context).containsOnly(sent);
        PlatformContext inActivity = harness.activities.seen.peek().context();
        assertThat(inActivity).isEqualTo(TemplateHarness.causedBy(sent, output.workflowId()));
        assertThat(inActivity.userId()).isEmpty();
        assertThat(inActivity.roles()).isEmpty();
        assertThat(inActivity.trace()).isEmpty();
        assertThat(inActivity.causalToken()).isEmpty();
        assertThat(harness.activities.seen.peek().mdc()).doesNotContainKeys("user_id", "trace_id", "span_id");
    }

    @Test
    void theCompletionEventCarriesTheContextWithTheWorkflowAsCausationAndTheTraceAsCloudEventsExtensions()
            throws Exception {
        PlatformContext sent = longestContext(TemplateHarness.TENANT_A);

        StandardWorkflowOutput<Orders.Placed> output = run(sent, "order-1");
        Event event = harness.nextEvent();

        assertThat(event.type()).isEqualTo("order.place.completed");
        assertThat(event.tenantId()).contains(TemplateHarness.TENANT_A);
        assertThat(event.userId()).isEqualTo(sent.userId());
        assertThat(event.correlationId()).isEqualTo(sent.correlationId());
        assertThat(event.causationId()).contains(output.workflowId());
        assertThat(event.extensions())
                .containsEntry("traceparent", sent.trace().orElseThrow().toHeader())
                .containsEntry("tracestate", sent.traceState().orElseThrow());
    }

    @Test
    void theLongestWorkflowIdIsTheCausationIdOfWhatTheWorkflowCauses() throws Exception {
        String key = "k".repeat(200);
        PlatformContext sent = TemplateHarness.context(TemplateHarness.TENANT_A);

        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(
                harness.client.start("PlaceOrderWorkflow", sent, key, Orders.Order.of("ok")));

        assertThat(output.workflowId()).hasSize("PlaceOrderWorkflow".length() + 1 + 36 + 1 + 200);
        assertThat(harness.activities.seen.peek().context().causationId()).contains(output.workflowId());
        assertThat(harness.nextEvent().causationId()).contains(output.workflowId());
    }

    /** A client of another SDK, which writes the {@link TemporalHeaders} itself. */
    private WorkflowStub startFromForeignClient(String workflowId, Map<String, Payload> headers) {
        ContextPropagator handWritten = new ContextPropagator() {
            @Override
            public String getName() {
                return "foreign-sdk";
            }

            @Override
            public Map<String, Payload> serializeContext(Object context) {
                return headers;
            }

            @Override
            public Object deserializeContext(Map<String, Payload> header) {
                return null;
            }

            @Override
            public Object getCurrentContext() {
                return "anything";
            }

            @Override
            public void setCurrentContext(Object context) {}
        };
        WorkflowClient foreign = WorkflowClient.newInstance(
                harness.env.getWorkflowServiceStubs(),
                WorkflowClientOptions.newBuilder()
                        .setNamespace(harness.env.getNamespace())
                        .setContextPropagators(List.of(handWritten))
                        .build());
        WorkflowStub stub = foreign.newUntypedWorkflowStub(
                "PlaceOrderWorkflow",
                WorkflowOptions.newBuilder()
                        .setTaskQueue(TemplateHarness.QUEUE)
                        .setWorkflowId(workflowId)
                        .build());
        stub.start(Orders.Order.of("ok"));
        return stub;
    }

    private static Payload jsonString(String json) {
        return Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                .setData(ByteString.copyFromUtf8(json))
                .build();
    }

    @Test
    void headersThatAnotherSdkWritesByHandAreReadAsTheContext() {
        String tenant = TemplateHarness.TENANT_B.toString().toUpperCase(java.util.Locale.ROOT);
        WorkflowStub stub = startFromForeignClient(
                "foreign-1",
                Map.of(
                        TemporalHeaders.TENANT_ID, jsonString('"' + tenant + '"'),
                        TemporalHeaders.USER_ID, jsonString("\"go-user\""),
                        TemporalHeaders.ROLES, jsonString("\"member, approver\""),
                        TemporalHeaders.CORRELATION_ID, jsonString("\"corr\\/escaped\""),
                        TemporalHeaders.TRACEPARENT,
                                jsonString("\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00\"")));

        StandardWorkflowTest.result(stub);

        PlatformContext seen = Orders.WORKFLOW_SEEN.peek().context();
        assertThat(seen.tenantId()).contains(TemplateHarness.TENANT_B);
        assertThat(seen.userId()).contains("go-user");
        assertThat(seen.roles()).containsExactly("member", "approver");
        assertThat(seen.correlationId()).isEqualTo("corr/escaped");
        assertThat(seen.trace().map(TraceParent::spanId)).contains("b7ad6b7169203331");
    }

    @Test
    void malformedHandWrittenHeadersAreLoggedWithoutTheirValueAndTheTemplateDenies() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger codecLog = (Logger) LoggerFactory.getLogger(ContextHeaderCodec.class);
        Level level = codecLog.getLevel();
        codecLog.setLevel(Level.DEBUG); // the WARN may have been spent by an earlier test of this JVM
        codecLog.addAppender(log);
        String hostile = "\"u\\u000aFAKE LOG LINE tenant=" + TemplateHarness.TENANT_A + "\"";
        try {
            WorkflowStub stub = startFromForeignClient(
                    "foreign-2",
                    Map.of(
                            TemporalHeaders.TENANT_ID, jsonString('"' + TemplateHarness.TENANT_B.toString() + '"'),
                            TemporalHeaders.USER_ID, jsonString(hostile),
                            TemporalHeaders.CORRELATION_ID, jsonString("\"corr\"")));

            WorkflowFailedException failure =
                    catchThrowableOfType(WorkflowFailedException.class, () -> StandardWorkflowTest.result(stub));

            ApplicationFailure cause = (ApplicationFailure) failure.getCause();
            assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
            assertThat(cause.getOriginalMessage()).contains("carries no PlatformContext");
            assertThat(harness.activities.reserveAttempts).hasValue(0);
            assertThat(log.list)
                    .filteredOn(e -> e.getFormattedMessage().contains(TemporalHeaders.USER_ID))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getFormattedMessage())
                            .doesNotContain("FAKE LOG LINE")
                            .doesNotContain(TemplateHarness.TENANT_A.toString())
                            .doesNotContain("\n"))
                    .filteredOn(e -> e.getLevel() == Level.WARN)
                    .hasSizeLessThanOrEqualTo(1);
        } finally {
            codecLog.detachAppender(log);
            codecLog.setLevel(level);
        }
    }
}
