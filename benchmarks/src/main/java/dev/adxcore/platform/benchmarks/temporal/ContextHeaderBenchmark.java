package dev.adxcore.platform.benchmarks.temporal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.temporal.TemporalHeaders;
import dev.adxcore.platform.temporal.internal.ContextHeaderCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * What carrying a request's {@link PlatformContext} in Temporal headers costs per workflow start, activity and child
 * workflow: writing its headers (the propagator's {@code serializeContext}) and reading them back with validation
 * (the interceptor's decoding), against the same-run baseline of the SDK's own default data converter writing and
 * reading the same values as JSON-string payloads (what a team would get by putting the values in headers itself,
 * without validation).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'temporal.ContextHeaderBenchmark' -f 2 -wi 3 -w 2s -i 5 -r 3s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class ContextHeaderBenchmark {

    private static final DataConverter SDK = DefaultDataConverter.STANDARD_INSTANCE;

    private PlatformContext context = PlatformContext.builder().build();
    private Map<String, Payload> written = Map.of();
    private Map<String, String> values = Map.of();
    private Map<String, Payload> sdkWritten = Map.of();

    /** A request-like context: tenant, user, two roles, correlation, causation, trace. */
    @Setup(Level.Trial)
    public void setUp() {
        context = PlatformContext.builder()
                .tenantId(UUID.fromString("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50"))
                .userId("u-42")
                .roles("admin", "approver")
                .correlationId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                .causationId("PlaceOrderWorkflow/7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50/order-42")
                .trace(TraceParent.newRoot())
                .build();
        written = ContextHeaderCodec.write(context);
        values = new LinkedHashMap<>();
        values.put(TemporalHeaders.TENANT_ID, context.tenantId().orElseThrow().toString());
        values.put(TemporalHeaders.USER_ID, "u-42");
        values.put(TemporalHeaders.ROLES, "admin,approver");
        values.put(TemporalHeaders.CORRELATION_ID, context.correlationId());
        values.put(TemporalHeaders.CAUSATION_ID, context.causationId().orElseThrow());
        values.put(TemporalHeaders.TRACEPARENT, context.trace().orElseThrow().toHeader());
        sdkWritten = sdkWrite();
        if (!context.equals(ContextHeaderCodec.read(written))) {
            throw new IllegalStateException("the headers do not round-trip");
        }
    }

    /** @return the platform's headers of the context */
    @Benchmark
    public Map<String, Payload> platformWrite() {
        return ContextHeaderCodec.write(context);
    }

    /** @return the context read and validated from its headers */
    @Benchmark
    public PlatformContext platformRead() {
        return ContextHeaderCodec.read(written);
    }

    /** @return the same values as JSON-string payloads written by the SDK's default converter */
    @Benchmark
    public Map<String, Payload> sdkWrite() {
        Map<String, Payload> header = new HashMap<>(16);
        for (Map.Entry<String, String> e : values.entrySet()) {
            header.put(e.getKey(), SDK.toPayload(e.getValue()).orElseThrow());
        }
        return header;
    }

    /** @return the same values read back by the SDK's default converter, unvalidated */
    @Benchmark
    public Map<String, String> sdkRead() {
        Map<String, String> read = new HashMap<>(16);
        for (Map.Entry<String, Payload> e : sdkWritten.entrySet()) {
            read.put(e.getKey(), SDK.fromPayload(e.getValue(), String.class, String.class));
        }
        return read;
    }
}
