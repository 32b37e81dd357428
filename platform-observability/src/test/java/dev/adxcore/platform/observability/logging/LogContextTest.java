package dev.adxcore.platform.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void nestedScopesRestoreOuterValuesAndAbsences() {
        try (LogContext outer = LogContext.builder().tenantId("t-1").correlationId("c-1").open()) {
            try (LogContext inner = LogContext.builder().tenantId("t-2").userId("u-2").open()) {
                assertThat(MDC.get(LogContext.TENANT_ID)).isEqualTo("t-2");
                assertThat(MDC.get(LogContext.USER_ID)).isEqualTo("u-2");
                assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("c-1");
            }
            assertThat(MDC.get(LogContext.TENANT_ID)).isEqualTo("t-1");
            assertThat(MDC.get(LogContext.USER_ID)).isNull();
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("c-1");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void closingTwiceDoesNotUndoAnOuterScope() {
        try (LogContext outer = LogContext.builder().tenantId("t-1").open()) {
            LogContext inner = LogContext.builder().tenantId("t-2").open();
            inner.close();
            MDC.put(LogContext.TENANT_ID, "t-3");
            inner.close();
            assertThat(MDC.get(LogContext.TENANT_ID)).isEqualTo("t-3");
        }
    }

    @Test
    void pooledThreadDoesNotSeeThePreviousRequestsValues() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> {
                try (LogContext ignored = LogContext.builder().tenantId("tenant-a").userId("alice")
                        .correlationId("req-1").traceId("4bf92f3577b34da6a3ce929d0e0e4736").open()) {
                    assertThat(MDC.get(LogContext.TENANT_ID)).isEqualTo("tenant-a");
                }
            }).get(5, TimeUnit.SECONDS);
            Map<String, String> seenByNextRequest = pool.submit(MDC::getCopyOfContextMap).get(5, TimeUnit.SECONDS);
            assertThat(seenByNextRequest).isNullOrEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrappedTaskCarriesTheCallersContextAndLeavesThePoolThreadClean() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String seen;
            try (LogContext ignored = LogContext.builder().tenantId("tenant-b").open()) {
                seen = pool.submit(LogContext.wrap(() -> MDC.get(LogContext.TENANT_ID))).get(5, TimeUnit.SECONDS);
            }
            assertThat(seen).isEqualTo("tenant-b");
            assertThat(pool.submit(MDC::getCopyOfContextMap).get(5, TimeUnit.SECONDS)).isNullOrEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void traceContextSetsTraceAndSpanIds() {
        TraceContext trace = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").orElseThrow();
        try (LogContext ignored = LogContext.builder().traceContext(trace).open()) {
            assertThat(MDC.get(LogContext.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(MDC.get(LogContext.SPAN_ID)).isEqualTo("00f067aa0ba902b7");
        }
        assertThat(MDC.get(LogContext.TRACE_ID)).isNull();
    }
}
