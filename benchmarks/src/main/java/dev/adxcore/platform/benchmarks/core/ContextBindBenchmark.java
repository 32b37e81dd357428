package dev.adxcore.platform.benchmarks.core;

import dev.adxcore.platform.benchmarks.observability.MdcBenchmarkProvider;
import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.slf4j.MDC;

/**
 * {@link PlatformContext#bind()} + close of a full context (tenant, user, roles, correlation, causation, trace:
 * six MDC keys) against putting and removing the same six keys by hand (issue #13: goal ≤ 1.5×). Runs with a
 * real thread-local MDC ({@link MdcBenchmarkProvider}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'core.ContextBindBenchmark' -f 2 -wi 3 -w 2s -i 5 -r 3s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.provider=dev.adxcore.platform.benchmarks.observability.MdcBenchmarkProvider")
public class ContextBindBenchmark {

    private PlatformContext context = PlatformContext.builder().build();
    private String tenant = "";
    private String user = "";
    private String correlation = "";
    private String causation = "";
    private String traceId = "";
    private String spanId = "";

    /** A request-like context; fails fast when the MDC is a no-op (the benchmark would measure nothing). */
    @Setup(Level.Trial)
    public void setUp() {
        TraceParent trace = TraceParent.newRoot();
        context = PlatformContext.builder()
                .tenantId(UUID.fromString("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50"))
                .userId("u-42")
                .roles("admin", "approver")
                .correlationId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                .causationId("evt-1")
                .trace(trace)
                .build();
        tenant = context.tenantId().orElseThrow().toString();
        user = "u-42";
        correlation = context.correlationId();
        causation = "evt-1";
        traceId = trace.traceId();
        spanId = trace.spanId();
        MDC.put("probe", "x");
        if (!"x".equals(MDC.get("probe"))) {
            throw new IllegalStateException(
                    "MDC is a no-op; run with -Dslf4j.provider=" + MdcBenchmarkProvider.class.getName());
        }
        MDC.remove("probe");
    }

    /** @return a value read inside the scope, so the work is not dead code */
    @Benchmark
    public String bindAndClose() {
        try (PlatformContext.Scope ignored = context.bind()) {
            return MDC.get(MdcKeys.TRACE_ID);
        }
    }

    /** @return a value read inside the "scope" */
    @Benchmark
    public String rawMdcPutRemove() {
        MDC.put(MdcKeys.TENANT_ID, tenant);
        MDC.put(MdcKeys.USER_ID, user);
        MDC.put(MdcKeys.CORRELATION_ID, correlation);
        MDC.put(MdcKeys.CAUSATION_ID, causation);
        MDC.put(MdcKeys.TRACE_ID, traceId);
        MDC.put(MdcKeys.SPAN_ID, spanId);
        String read = MDC.get(MdcKeys.TRACE_ID);
        MDC.remove(MdcKeys.SPAN_ID);
        MDC.remove(MdcKeys.TRACE_ID);
        MDC.remove(MdcKeys.CAUSATION_ID);
        MDC.remove(MdcKeys.CORRELATION_ID);
        MDC.remove(MdcKeys.USER_ID);
        MDC.remove(MdcKeys.TENANT_ID);
        return read;
    }
}
