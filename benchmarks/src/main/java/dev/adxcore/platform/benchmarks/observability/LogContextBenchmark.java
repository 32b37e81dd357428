package dev.adxcore.platform.benchmarks.observability;

import dev.adxcore.platform.observability.logging.LogContext;
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
 * Opening and closing a {@link LogContext} with the four request keys, against the same four raw
 * {@code MDC.put}/{@code MDC.remove} calls. Runs with a real thread-local MDC ({@link MdcBenchmarkProvider}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'observability.LogContextBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 3s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.provider=dev.adxcore.platform.benchmarks.observability.MdcBenchmarkProvider")
public class LogContextBenchmark {

    private String tenantId = "";
    private String userId = "";
    private String correlationId = "";
    private String traceId = "";

    /** Request-like values; fails fast when the MDC is a no-op (the benchmark would measure nothing). */
    @Setup(Level.Trial)
    public void setUp() {
        tenantId = "7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50";
        userId = "u-42";
        correlationId = "3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f";
        traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        MDC.put("probe", "x");
        if (!"x".equals(MDC.get("probe"))) {
            throw new IllegalStateException("MDC is a no-op; run with -Dslf4j.provider=" + MdcBenchmarkProvider.class.getName());
        }
        MDC.remove("probe");
    }

    /** @return a value read inside the scope, so the work is not dead code */
    @Benchmark
    public String logContextOpenClose() {
        try (LogContext ignored = LogContext.builder().tenantId(tenantId).userId(userId)
                .correlationId(correlationId).traceId(traceId).open()) {
            return MDC.get(LogContext.TRACE_ID);
        }
    }

    /** @return a value read inside the "scope" */
    @Benchmark
    public String rawMdcPutRemove() {
        MDC.put(LogContext.TENANT_ID, tenantId);
        MDC.put(LogContext.USER_ID, userId);
        MDC.put(LogContext.CORRELATION_ID, correlationId);
        MDC.put(LogContext.TRACE_ID, traceId);
        String read = MDC.get(LogContext.TRACE_ID);
        MDC.remove(LogContext.TRACE_ID);
        MDC.remove(LogContext.CORRELATION_ID);
        MDC.remove(LogContext.USER_ID);
        MDC.remove(LogContext.TENANT_ID);
        return read;
    }
}
