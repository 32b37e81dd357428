package dev.adxcore.platform.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlatformHeadersTest {

    private static final String TENANT = "3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f";
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void extractsEveryHeaderAndStartsAChildSpanOfTheCaller() {
        PlatformContext c = PlatformHeaders.extract(headers(
                "x-tenant-id",
                TENANT,
                "X-User-Id",
                "alice",
                "X-Roles",
                " admin , approver,,",
                "X-Correlation-Id",
                "corr-1",
                "X-Causation-Id",
                "req-7",
                "X-Causal-Token",
                "0/16B3748",
                "traceparent",
                PARENT,
                "tracestate",
                "vendor=abc")::get);
        assertThat(c.tenantId()).contains(UUID.fromString(TENANT));
        assertThat(c.userId()).contains("alice");
        assertThat(c.roles()).containsExactly("admin", "approver");
        assertThat(c.correlationId()).isEqualTo("corr-1");
        assertThat(c.causationId()).contains("req-7");
        assertThat(c.causalToken()).contains("0/16B3748");
        TraceParent t = c.trace().orElseThrow();
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(t.isSampled()).isTrue();
        assertThat(c.traceState()).contains("vendor=abc");
    }

    @Test
    void absentHeadersGiveANewCorrelationIdAndANewTrace() {
        PlatformContext c = PlatformHeaders.extract(headers()::get);
        assertThat(c.tenantId()).isEmpty();
        assertThat(c.correlationId()).isNotBlank();
        assertThat(c.trace()).isPresent();
    }

    @Test
    void malformedTraceparentStartsANewRootWithoutErrorAndDropsTraceState() {
        PlatformContext c = PlatformHeaders.extract(headers("traceparent", "00-XYZ-bad", "tracestate", "k=v")::get);
        assertThat(c.trace()).isPresent();
        assertThat(c.traceState()).isEmpty();
        PlatformContext d = PlatformHeaders.extract(headers("traceparent", PARENT, "tracestate", "ba\u0001d")::get);
        assertThat(d.traceState()).isEmpty();
    }

    @Test
    void malformedIdentityHeadersAreRefusedNamingTheHeader() {
        assertThatThrownBy(() -> PlatformHeaders.extract(headers("X-Tenant-Id", "not-a-uuid")::get))
                .isInstanceOf(InvalidContextException.class)
                .hasMessageStartingWith("X-Tenant-Id header: tenant id must be a UUID");
        assertThatThrownBy(() -> PlatformHeaders.extract(headers("X-User-Id", "a\r\nSet-Cookie: x")::get))
                .hasMessageStartingWith("X-User-Id header: ")
                .hasMessageNotContaining("Set-Cookie");
        assertThatThrownBy(() -> PlatformHeaders.extract(headers("X-Roles", "admin,<script>")::get))
                .hasMessageStartingWith("X-Roles header: ");
        assertThatThrownBy(() -> PlatformHeaders.extract(headers("X-Correlation-Id", "x".repeat(129))::get))
                .hasMessageStartingWith("X-Correlation-Id header: ")
                .hasMessageContaining("129 characters, not shown");
        assertThatThrownBy(() -> PlatformHeaders.extract(headers("X-Causal-Token", "';--")::get))
                .hasMessageStartingWith("X-Causal-Token header: ");
    }

    @Test
    void injectWritesWhatExtractReads() {
        PlatformContext c = PlatformContext.builder()
                .tenantId(TENANT)
                .userId("alice")
                .roles("admin", "approver")
                .correlationId("corr-1")
                .causationId("req-7")
                .causalToken("0/1")
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .traceState("k=v")
                .build();
        Map<String, String> out = new LinkedHashMap<>();
        PlatformHeaders.inject(c, out::put);
        assertThat(out)
                .containsEntry("X-Tenant-Id", TENANT)
                .containsEntry("X-Roles", "admin,approver")
                .containsEntry("traceparent", PARENT)
                .containsEntry("tracestate", "k=v");
        PlatformContext back = PlatformHeaders.extract(out::get);
        assertThat(back.tenantId()).isEqualTo(c.tenantId());
        assertThat(back.userId()).isEqualTo(c.userId());
        assertThat(back.roles()).isEqualTo(c.roles());
        assertThat(back.correlationId()).isEqualTo(c.correlationId());
        assertThat(back.causalToken()).isEqualTo(c.causalToken());
        assertThat(back.trace().orElseThrow().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(PlatformHeaders.IDENTITY).containsExactly("X-Tenant-Id", "X-User-Id", "X-Roles");
    }
}
