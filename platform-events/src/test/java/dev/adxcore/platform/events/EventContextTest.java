package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How an {@link Event} carries platform-core's request context, and which values it refuses. */
class EventContextTest {

    private static final UUID TENANT = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void buildFillsWhatWasNotSetFromTheBoundContext() {
        PlatformContext ctx = PlatformContext.builder()
                .tenantId(TENANT)
                .userId("alice")
                .correlationId("corr-1")
                .causationId("req-9")
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .traceState("v=1")
                .causalToken("0/1A")
                .build();
        Event e;
        try (PlatformContext.Scope ignored = ctx.bind()) {
            e = Event.builder("user.created").userId("bob").build();
        }
        assertThat(e.tenantId()).contains(TENANT);
        assertThat(e.userId()).as("set explicitly, so kept").contains("bob");
        assertThat(e.correlationId()).isEqualTo("corr-1");
        assertThat(e.causationId()).contains("req-9");
        assertThat(e.extensions()).containsEntry(Event.TRACEPARENT, PARENT).containsEntry(Event.TRACESTATE, "v=1");
        assertThat(e.causalToken()).contains("0/1A");
    }

    @Test
    void withoutContextBuildsASystemEventInsideARequest() {
        try (PlatformContext.Scope ignored =
                PlatformContext.builder().tenantId(TENANT).build().bind()) {
            Event e = Event.builder("nightly.run").withoutContext().build();
            assertThat(e.tenantId()).isEmpty();
            assertThat(e.correlationId()).isEqualTo(e.id());
            assertThat(e.extensions()).doesNotContainKey(Event.TRACEPARENT);
        }
    }

    @Test
    void theHandlersContextIsCausedByThisEventAndContinuesItsTrace() {
        Event e = Event.builder("user.created")
                .tenantId(TENANT)
                .userId("alice")
                .correlationId("corr-1")
                .extension(Event.TRACEPARENT, PARENT)
                .extension(Event.CAUSAL_TOKEN, "0/1A")
                .build();
        PlatformContext handler = e.context();
        assertThat(handler.tenantId()).contains(TENANT);
        assertThat(handler.userId()).contains("alice");
        assertThat(handler.correlationId()).isEqualTo("corr-1");
        assertThat(handler.causationId()).contains(e.id());
        assertThat(handler.causalToken()).contains("0/1A");
        TraceParent t = handler.trace().orElseThrow();
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(Event.builder("x.y").build().context().trace())
                .as("no trace: a new one")
                .isPresent();
    }

    @Test
    void theTenantIsACanonicalUuidAndHostileIdsAreRefused() {
        assertThat(Event.builder("a.b")
                        .tenantId(TENANT.toString().toUpperCase())
                        .build()
                        .tenantId())
                .contains(TENANT);
        assertThatThrownBy(() -> Event.builder("a.b").tenantId("acme"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("tenantid: tenant id must be a UUID");
        assertThatThrownBy(() -> Event.builder("a.b").tenantId(new UUID(0, 0)))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> Event.builder("a.b").userId("a\nb").build()).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> Event.builder("a.b").correlationId("has space").build())
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("correlationid: ");
        assertThatThrownBy(() -> Event.builder("a.b").id("evt 1").build()).hasMessageStartingWith("event id: ");
        assertThatThrownBy(() -> Event.builder("a.b")
                        .extension(Event.TRACEPARENT, "00-bad")
                        .build())
                .hasMessageStartingWith("traceparent must be a W3C traceparent");
    }

    @Test
    void aForeignEventThatBreaksTheRulesIsMalformed() {
        String json = """
                {"specversion":"1.0","id":"1","source":"/s","type":"a.b","tenantid":"acme","data":{}}""";
        assertThatThrownBy(() -> CloudEventJson.read(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("tenant id must be a UUID");
    }

    @Test
    void aLongEventIdStillGivesAValidCorrelationId() {
        Event e = Event.builder("a.b").id("e".repeat(300)).build();
        assertThat(e.correlationId()).hasSize(36);
        assertThat(e.context().causationId()).contains("e".repeat(300));
    }
}
