package dev.adxcore.platform.benchmarks.observability;

import dev.adxcore.platform.core.TraceParent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.jspecify.annotations.Nullable;

/**
 * The tracing side of the benchmarks' {@code tracing=off|on} parameter: the global OpenTelemetry reset, and for
 * {@code on} an SDK whose every span goes synchronously to an in-memory exporter. Not thread-safe; one per trial.
 */
public final class BenchTracing implements AutoCloseable {

    /**
     * A sampled parent (flags 01) for the benchmark's request context: {@link TraceParent#newRoot()} is unsampled,
     * and under the SDK's parent-based sampler it would record nothing (measuring non-recording spans).
     */
    public static final TraceParent SAMPLED = TraceParent.parse(
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();

    private final @Nullable InMemorySpanExporter exporter;
    private final @Nullable OpenTelemetrySdk sdk;

    private BenchTracing(@Nullable InMemorySpanExporter exporter, @Nullable OpenTelemetrySdk sdk) {
        this.exporter = exporter;
        this.sdk = sdk;
    }

    /**
     * Resets the global OpenTelemetry and, for {@code on}, installs the SDK; call before anything reads the global.
     *
     * @param tracing {@code off} or {@code on}
     * @return the installed tracing
     */
    public static BenchTracing install(String tracing) {
        GlobalOpenTelemetry.resetForTest();
        if (!tracing.equals("on")) {
            return new BenchTracing(null, null);
        }
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
        GlobalOpenTelemetry.set(sdk);
        return new BenchTracing(exporter, sdk);
    }

    /** Prints the spans exported since the last call and drops them (the exporter would grow without bound). */
    public void drain() {
        if (exporter != null) {
            System.out.println(" spans exported in the iteration: "
                    + exporter.getFinishedSpanItems().size());
            exporter.reset();
        }
    }

    /** Closes the SDK and resets the global. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
        GlobalOpenTelemetry.resetForTest();
    }
}
