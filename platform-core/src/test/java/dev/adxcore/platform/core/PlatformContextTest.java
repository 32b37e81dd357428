package dev.adxcore.platform.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class PlatformContextTest {

    private static final UUID TENANT = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");

    private static PlatformContext full() {
        return PlatformContext.builder()
                .tenantId(TENANT)
                .userId("alice@example.com")
                .roles("admin", "approver")
                .correlationId("corr-1")
                .causationId("evt-9")
                .trace(TraceParent.newRoot())
                .causalToken("0/16B3748")
                .build();
    }

    @AfterEach
    void threadIsClean() {
        assertThat(PlatformContext.current()).isEmpty();
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void builderDrawsACorrelationIdWhenNoneIsGiven() {
        PlatformContext a = PlatformContext.builder().build();
        PlatformContext b = PlatformContext.builder().build();
        assertThat(a.correlationId()).isNotBlank().isNotEqualTo(b.correlationId());
        assertThat(a.tenantId()).isEmpty();
        assertThat(a.roles()).isEmpty();
    }

    @Test
    void tenantTextMustBeACanonicalUuid() {
        assertThat(PlatformContext.builder()
                        .tenantId("3F2C4A1E-9B7D-4C55-8E0A-1D2B3C4D5E6F")
                        .build()
                        .tenantId())
                .contains(TENANT);
        for (String bad : List.of(
                "1-1-1-1-1",
                "3f2c4a1e9b7d4c558e0a1d2b3c4d5e6f",
                "3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6",
                "3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6g",
                " 3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f",
                "")) {
            assertThatThrownBy(() -> PlatformContext.builder().tenantId(bad))
                    .isInstanceOf(InvalidContextException.class)
                    .hasMessageStartingWith("tenant id must be a UUID");
        }
    }

    @Test
    void nilTenantIsRefusedInBothForms() {
        assertThatThrownBy(() -> PlatformContext.builder().tenantId(new UUID(0, 0)))
                .isInstanceOf(InvalidContextException.class)
                .hasMessageContaining("nil UUID");
        assertThatThrownBy(() -> PlatformContext.builder().tenantId("00000000-0000-0000-0000-000000000000"))
                .isInstanceOf(InvalidContextException.class)
                .hasMessageContaining("nil UUID");
    }

    @Test
    void hostileValuesAreRefusedWithoutBeingEchoed() {
        String forged = "alice\n2026-12-02 INFO forged log line";
        assertThatThrownBy(() -> PlatformContext.builder().userId(forged))
                .isInstanceOf(InvalidContextException.class)
                .hasMessageStartingWith("user id must be 1 to 256 characters")
                .hasMessageNotContaining("forged");
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> PlatformContext.builder().correlationId(huge))
                .hasMessageContaining("a value of 10000 characters, not shown");
        assertThatThrownBy(() -> PlatformContext.builder().causationId("a b"))
                .isInstanceOf(InvalidContextException.class);
        assertThatThrownBy(() -> PlatformContext.builder().causalToken("0/1;DROP"))
                .isInstanceOf(InvalidContextException.class);
        assertThatThrownBy(() -> PlatformContext.builder().traceState("k=v\u0000"))
                .isInstanceOf(InvalidContextException.class);
    }

    @Test
    void rolesAreValidatedDeduplicatedAndBounded() {
        PlatformContext c =
                PlatformContext.builder().roles("admin", "approver", "admin").build();
        assertThat(c.roles()).containsExactly("admin", "approver");
        assertThat(c.hasRole("approver")).isTrue();
        assertThat(c.hasRole("Approver")).isFalse();
        assertThatThrownBy(() -> PlatformContext.builder().roles("ad min")).hasMessageStartingWith("role must be");
        List<String> many = IntStream.range(0, 65).mapToObj(i -> "r" + i).toList();
        assertThatThrownBy(() -> PlatformContext.builder().roles(many))
                .hasMessage("a context carries at most 64 roles (was 65)");
    }

    @Test
    void traceStateIsKeptOnlyWithATrace() {
        assertThat(PlatformContext.builder().traceState("k=v").build().traceState())
                .isEmpty();
        assertThat(PlatformContext.builder()
                        .trace(TraceParent.newRoot())
                        .traceState("k=v")
                        .build()
                        .traceState())
                .contains("k=v");
    }

    @Test
    void bindMakesTheContextCurrentWithItsMdcViewAndCloseRestores() {
        PlatformContext c = full();
        try (PlatformContext.Scope ignored = c.bind()) {
            assertThat(PlatformContext.current()).contains(c);
            assertThat(PlatformContext.require()).isSameAs(c);
            assertThat(MDC.get(MdcKeys.TENANT_ID)).isEqualTo(TENANT.toString());
            assertThat(MDC.get(MdcKeys.USER_ID)).isEqualTo("alice@example.com");
            assertThat(MDC.get(MdcKeys.CORRELATION_ID)).isEqualTo("corr-1");
            assertThat(MDC.get(MdcKeys.CAUSATION_ID)).isEqualTo("evt-9");
            assertThat(MDC.get(MdcKeys.TRACE_ID))
                    .isEqualTo(c.trace().orElseThrow().traceId());
            assertThat(MDC.get(MdcKeys.SPAN_ID))
                    .isEqualTo(c.trace().orElseThrow().spanId());
        }
    }

    @Test
    void innerScopeReplacesTheWholeViewAndRestoresTheOuterOne() {
        PlatformContext outer = full();
        PlatformContext inner =
                PlatformContext.builder().correlationId("corr-2").build();
        MDC.put("job", "export");
        try (PlatformContext.Scope o = outer.bind()) {
            try (PlatformContext.Scope i = inner.bind()) {
                assertThat(PlatformContext.current()).contains(inner);
                assertThat(MDC.get(MdcKeys.TENANT_ID)).isNull();
                assertThat(MDC.get(MdcKeys.USER_ID)).isNull();
                assertThat(MDC.get(MdcKeys.TRACE_ID)).isNull();
                assertThat(MDC.get(MdcKeys.CORRELATION_ID)).isEqualTo("corr-2");
                assertThat(MDC.get("job")).isEqualTo("export");
            }
            assertThat(PlatformContext.current()).contains(outer);
            assertThat(MDC.get(MdcKeys.TENANT_ID)).isEqualTo(TENANT.toString());
            assertThat(MDC.get(MdcKeys.CORRELATION_ID)).isEqualTo("corr-1");
        } finally {
            assertThat(MDC.get("job")).isEqualTo("export");
            MDC.remove("job");
        }
    }

    @Test
    void mdcValuesSetByOthersBeforeBindingComeBackOnClose() {
        MDC.put(MdcKeys.TENANT_ID, "set-by-someone-else");
        try (PlatformContext.Scope ignored = full().bind()) {
            assertThat(MDC.get(MdcKeys.TENANT_ID)).isEqualTo(TENANT.toString());
        }
        assertThat(MDC.get(MdcKeys.TENANT_ID)).isEqualTo("set-by-someone-else");
        MDC.remove(MdcKeys.TENANT_ID);
    }

    @Test
    void bindNoneHidesTheOuterContextForItsScope() {
        try (PlatformContext.Scope o = full().bind()) {
            try (PlatformContext.Scope none = PlatformContext.bindNone()) {
                assertThat(PlatformContext.current()).isEmpty();
                assertThat(MDC.get(MdcKeys.TENANT_ID)).isNull();
                assertThatThrownBy(PlatformContext::require)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no PlatformContext is bound");
            }
            assertThat(PlatformContext.current()).isPresent();
        }
    }

    @Test
    void closingTwiceChangesNothingMore() {
        PlatformContext outer = full();
        try (PlatformContext.Scope o = outer.bind()) {
            PlatformContext.Scope inner = PlatformContext.builder().build().bind();
            inner.close();
            inner.close();
            assertThat(PlatformContext.current()).contains(outer);
        }
    }

    @Test
    void aScopeClosedOnAnotherThreadIsIgnored() throws Exception {
        PlatformContext.Scope scope = full().bind();
        Thread other = new Thread(scope::close);
        other.start();
        other.join();
        assertThat(PlatformContext.current()).isPresent();
        scope.close();
    }

    @Test
    void updateCurrentReplacesTheBoundContextUntilItsScopeCloses() {
        assertThat(PlatformContext.updateCurrent(
                        c -> c.toBuilder().causalToken("0/1").build()))
                .isFalse();
        PlatformContext c = PlatformContext.builder().tenantId(TENANT).build();
        try (PlatformContext.Scope ignored = c.bind()) {
            assertThat(PlatformContext.updateCurrent(
                            x -> x.toBuilder().causalToken("0/2A").userId("bob").build()))
                    .isTrue();
            assertThat(PlatformContext.require().causalToken()).contains("0/2A");
            assertThat(MDC.get(MdcKeys.USER_ID)).isEqualTo("bob");
        }
    }

    @Test
    void runAndCallRestoreAlsoWhenTheTaskThrows() {
        PlatformContext c = full();
        assertThatThrownBy(() -> c.run(() -> {
                    assertThat(PlatformContext.current()).contains(c);
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        assertThatThrownBy(() -> c.call(() -> {
                    throw new java.io.IOException("io");
                }))
                .hasMessage("io");
    }

    @Test
    void aPooledThreadNeverKeepsAContextAfterATaskEvenWhenItThrows() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ExecutorService propagating = PlatformContext.propagating(pool);
            PlatformContext c = full();
            Future<?> failed;
            try (PlatformContext.Scope ignored = c.bind()) {
                failed = propagating.submit(() -> {
                    assertThat(PlatformContext.current()).contains(c);
                    throw new IllegalStateException("handler failed");
                });
            }
            assertThatThrownBy(failed::get).hasRootCauseMessage("handler failed");
            AtomicReference<Object> seen = new AtomicReference<>();
            AtomicReference<Map<String, String>> mdc = new AtomicReference<>();
            pool.submit(() -> {
                        seen.set(PlatformContext.current());
                        mdc.set(MDC.getCopyOfContextMap());
                    })
                    .get();
            assertThat(seen.get()).isEqualTo(java.util.Optional.empty());
            assertThat(mdc.get()).isNullOrEmpty();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void wrapCapturesAtWrapTimeAndRunsWithNoneWhenNoneWasBound() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            PlatformContext c = full();
            Runnable bare = PlatformContext.wrap(() -> {
                assertThat(PlatformContext.current()).isEmpty();
            });
            // A worker thread that (wrongly) kept a context gets none for a task wrapped without one.
            pool.submit(() -> {
                        PlatformContext.Scope leaked = c.bind();
                        bare.run();
                        assertThat(PlatformContext.current()).contains(c);
                        leaked.close();
                    })
                    .get();
            Runnable withContext;
            try (PlatformContext.Scope ignored = c.bind()) {
                withContext = PlatformContext.wrap(() -> {
                    assertThat(PlatformContext.require()).isSameAs(c);
                });
            }
            pool.submit(withContext).get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void completableFutureStagesCarryTheContextOfTheirDeclaration() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            PlatformContext c = full();
            CompletableFuture<String> future;
            try (PlatformContext.Scope ignored = c.bind()) {
                future = CompletableFuture.supplyAsync(
                                PlatformContext.wrapSupplier(
                                        () -> PlatformContext.require().correlationId()),
                                pool)
                        .thenApplyAsync(
                                PlatformContext.wrapFunction((String s) -> s + "/"
                                        + PlatformContext.require().userId().orElseThrow()),
                                PlatformContext.propagating((java.util.concurrent.Executor) pool));
            }
            assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("corr-1/alice@example.com");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void toStringShowsTheValidatedValuesAndEqualityIsByValue() {
        PlatformContext c = full();
        assertThat(c.toString())
                .contains(
                        "tenantId=" + TENANT,
                        "userId=alice@example.com",
                        "roles=admin,approver",
                        "correlationId=corr-1",
                        "causalToken=0/16B3748");
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().userId("bob").build()).isNotEqualTo(c);
    }

    @Test
    void requireTenantIdSaysWhatIsMissing() {
        assertThatThrownBy(() ->
                        PlatformContext.builder().correlationId("c-1").build().requireTenantId())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no tenant (correlation id c-1)");
    }
}
