package dev.adxcore.platform.temporal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.temporal.TemporalHeaders;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Temporal header carrier on its own: what it writes, what it accepts, and how it fails closed. */
class ContextHeaderCodecTest {

    private static final UUID TENANT = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger codecLog = (Logger) LoggerFactory.getLogger(ContextHeaderCodec.class);

    @BeforeEach
    void captureLog() {
        ContextHeaderCodec.resetReports();
        log.start();
        codecLog.addAppender(log);
        codecLog.setLevel(Level.DEBUG);
    }

    @AfterEach
    void releaseLog() {
        codecLog.detachAppender(log);
        codecLog.setLevel(null);
    }

    private static PlatformContext full() {
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            roles.add(("r" + i + "-").repeat(64).substring(0, 128));
        }
        return PlatformContext.builder()
                .tenantId(TENANT)
                .userId("u".repeat(255) + "|")
                .roles(roles)
                .correlationId("c=".repeat(64))
                .causationId("~".repeat(512))
                .trace(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                        .orElseThrow())
                .traceState("\"\\ ".repeat(170) + "ab")
                .causalToken("0/".repeat(64))
                .build();
    }

    private static Payload json(String data) {
        return Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                .setData(ByteString.copyFromUtf8(data))
                .build();
    }

    private static Map<String, Payload> minimal() {
        Map<String, Payload> header = new HashMap<>();
        header.put(TemporalHeaders.TENANT_ID, json('"' + TENANT.toString() + '"'));
        header.put(TemporalHeaders.CORRELATION_ID, json("\"corr-1\""));
        return header;
    }

    @Test
    void everyValueAtItsLongestSurvivesWriteAndRead() {
        PlatformContext sent = full();

        assertThat(sent.traceState()).hasValueSatisfying(s -> assertThat(s).hasSize(512));
        assertThat(ContextHeaderCodec.read(ContextHeaderCodec.write(sent))).isEqualTo(sent);
        assertThat(log.list).isEmpty();
    }

    @Test
    void eachValueIsItsOwnJsonStringPayloadThatOtherSdksRead() {
        Map<String, Payload> header = ContextHeaderCodec.write(full());

        assertThat(header.keySet()).containsExactlyInAnyOrderElementsOf(TemporalHeaders.ALL);
        assertThat(header.values())
                .allSatisfy(p -> assertThat(p.getMetadataOrThrow("encoding").toStringUtf8())
                        .isEqualTo("json/plain"));
        assertThat(header.get(TemporalHeaders.TENANT_ID).getData().toString(StandardCharsets.UTF_8))
                .isEqualTo("\"3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f\"");
        assertThat(header.get(TemporalHeaders.TRACESTATE).getData().toString(StandardCharsets.UTF_8))
                .startsWith("\"\\\"\\\\ ");
    }

    @Test
    void aContextWithoutOptionalValuesWritesNoHeadersForThem() {
        PlatformContext sent = PlatformContext.builder().correlationId("c").build();

        Map<String, Payload> header = ContextHeaderCodec.write(sent);

        assertThat(header).containsOnlyKeys(TemporalHeaders.CORRELATION_ID);
        assertThat(ContextHeaderCodec.read(header)).isEqualTo(sent);
    }

    @Test
    void headersWithoutAnyOfTheCarriersNamesAreNoContextAndNotLogged() {
        assertThat(ContextHeaderCodec.read(Map.of())).isNull();
        assertThat(ContextHeaderCodec.read(Map.of("other-propagator", json("\"x\""))))
                .isNull();
        assertThat(log.list).isEmpty();
    }

    @Test
    void otherPropagatorsHeadersNextToTheCarriersAreIgnored() {
        Map<String, Payload> header = minimal();
        header.put("adx-from-a-newer-version", json("42"));
        header.put("_tracer-data", json("{\"x\":1}"));

        assertThat(ContextHeaderCodec.read(header).tenantId()).contains(TENANT);
    }

    @Test
    void jsonEscapesThatOtherEncodersWriteAreDecoded() {
        Map<String, Payload> header = minimal();
        header.put(
                TemporalHeaders.TENANT_ID, json(" \"" + TENANT.toString().toUpperCase(java.util.Locale.ROOT) + "\" "));
        header.put(TemporalHeaders.CAUSATION_ID, json("\"order\\/42\\u007e\""));

        PlatformContext read = ContextHeaderCodec.read(header);

        assertThat(read.tenantId()).contains(TENANT);
        assertThat(read.causationId()).contains("order/42~");
    }

    @Test
    void aMissingCorrelationIdIsMalformedRatherThanDrawnAtRandomInWorkflowCode() {
        Map<String, Payload> header = minimal();
        header.remove(TemporalHeaders.CORRELATION_ID);

        assertThat(ContextHeaderCodec.read(header)).isNull();
        assertThat(log.list)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("header adx-correlation-id is missing although other adx- headers are present"));
    }

    @Test
    void oneMalformedValueInAnyHeaderMakesTheWholeContextAbsent() {
        Map<String, String> malformed = Map.of(
                TemporalHeaders.TENANT_ID, "\"00000000-0000-0000-0000-000000000000\"",
                TemporalHeaders.USER_ID, "\"user name\"",
                TemporalHeaders.ROLES, "\"admin,not a role\"",
                TemporalHeaders.CORRELATION_ID, "\"" + "c".repeat(129) + "\"",
                TemporalHeaders.CAUSATION_ID, "\"a#b\"",
                TemporalHeaders.TRACEPARENT, "\"00-00000000000000000000000000000000-00f067aa0ba902b7-01\"",
                TemporalHeaders.TRACESTATE, "\"caf\\u00e9\"",
                TemporalHeaders.CAUSAL_TOKEN, "\"0/16B3748 \"");
        for (Map.Entry<String, String> bad : malformed.entrySet()) {
            Map<String, Payload> header = ContextHeaderCodec.write(full());
            header.put(bad.getKey(), json(bad.getValue()));

            assertThat(ContextHeaderCodec.read(header)).as(bad.getKey()).isNull();
        }
        assertThat(log.list).hasSize(8).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
    }

    @Test
    void payloadsThatAreNotOneJsonStringAreMalformed() {
        List<Payload> notStrings = List.of(
                json("42"),
                json("\"unterminated"),
                json("\"a\" \"b\""),
                json("\"a\"b\""),
                json("\"raw\ttab\""),
                json("\"bad \\x escape\""),
                json("\"\\u12\""),
                Payload.newBuilder()
                        .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
                        .setData(ByteString.copyFromUtf8("\"u-1\""))
                        .build(),
                json("\"" + "u".repeat(ContextHeaderCodec.MAX_PAYLOAD_BYTES) + "\""));
        for (Payload payload : notStrings) {
            Map<String, Payload> header = minimal();
            header.put(TemporalHeaders.USER_ID, payload);

            assertThat(ContextHeaderCodec.read(header))
                    .as(payload.getData().toStringUtf8())
                    .isNull();
        }
    }

    @Test
    void aMalformedHeaderIsLoggedAtWarnOnceThenAtDebugAndNeverWithItsValue() {
        Map<String, Payload> header = minimal();
        header.put(TemporalHeaders.USER_ID, json("\"evil\\nINFO forged line\""));

        ContextHeaderCodec.read(header);
        ContextHeaderCodec.read(header);
        ContextHeaderCodec.read(header);

        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.DEBUG, Level.DEBUG);
        assertThat(log.list.get(0).getFormattedMessage())
                .isEqualTo(
                        "Ignoring the PlatformContext in the headers of a "
                                + "Temporal task: header adx-user-id must be a JSON string of 1 to 256 characters of "
                                + "A-Z a-z 0-9 . _ : @ | + = - (24 bytes received, not shown); the task runs with no context, so a "
                                + "standard-template workflow is denied; later malformed adx-user-id headers are logged at DEBUG");
        assertThat(log.list)
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .doesNotContain("evil")
                        .doesNotContain("forged"));
    }
}
