package dev.adxcore.platform.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    @Test
    void parsesVersion00AndRoundTrips() {
        String h = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TraceParent t = TraceParent.parse(h).orElseThrow();
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(t.isSampled()).isTrue();
        assertThat(t.toHeader()).isEqualTo(h);
        assertThat(TraceParent.of(t.traceId(), t.spanId(), t.flags())).isEqualTo(t);
    }

    @Test
    void rejectsWhatTheW3cRecommendationRejects() {
        assertThat(TraceParent.parse(null)).isEmpty();
        assertThat(TraceParent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceParent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"))
                .isEmpty();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isEmpty();
        assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isPresent();
        assertThatThrownBy(() -> TraceParent.of("abc", "00f067aa0ba902b7", 1))
                .hasMessageStartingWith("traceId must be");
    }

    @Test
    void childKeepsTraceAndFlagsWithANewSpan() {
        TraceParent root = TraceParent.newRoot();
        TraceParent child = root.newChild();
        assertThat(child.traceId()).isEqualTo(root.traceId());
        assertThat(child.spanId()).isNotEqualTo(root.spanId());
        assertThat(child.flags()).isEqualTo(root.flags());
        assertThat(TraceParent.parse(child.toHeader())).contains(child);
    }
}
