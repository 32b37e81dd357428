package dev.adxcore.platform.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void validHeaderIsParsedAndRenderedBack() {
        TraceContext trace = TraceContext.parse(HEADER).orElseThrow();
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.isSampled()).isTrue();
        assertThat(trace.toHeader()).isEqualTo(HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01"
    })
    void malformedHeaderIsRejected(String header) {
        assertThat(TraceContext.parse(header)).isEmpty();
    }

    @Test
    void laterVersionWithExtraFieldsIsAccepted() {
        assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future"))
                .map(TraceContext::traceId).contains("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void childKeepsTheTraceIdWithANewSpanId() {
        TraceContext parent = TraceContext.parse(HEADER).orElseThrow();
        TraceContext child = parent.newChild();
        assertThat(child.traceId()).isEqualTo(parent.traceId());
        assertThat(child.spanId()).isNotEqualTo(parent.spanId()).matches("[0-9a-f]{16}");
        assertThat(child.isSampled()).isTrue();
    }

    @Test
    void newRootIsAValidUnsampledHeader() {
        TraceContext root = TraceContext.newRoot();
        assertThat(root.toHeader()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        assertThat(TraceContext.parse(root.toHeader())).contains(root);
        assertThat(TraceContext.newRoot().traceId()).isNotEqualTo(root.traceId());
    }
}
