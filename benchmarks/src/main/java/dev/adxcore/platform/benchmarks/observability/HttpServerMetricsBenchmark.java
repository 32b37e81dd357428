package dev.adxcore.platform.benchmarks.observability;

import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import dev.adxcore.platform.observability.metrics.MeterRegistries;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Recording one HTTP request with {@link HttpServerMetrics} (tag normalisation + cached timer lookup)
 * against a bare Micrometer {@link Timer#record(long, TimeUnit)} on a timer registered up front, on the
 * same Prometheus registry.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'observability.HttpServerMetricsBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class HttpServerMetricsBenchmark {

    private static final long NANOS = 1_234_567;
    private static final Duration DURATION = Duration.ofNanos(NANOS);

    private PrometheusMeterRegistry registry;
    private HttpServerMetrics metrics;
    private Timer bare;
    private String method = "";
    private String route = "";
    private String rawPath = "";

    /** Builds the registry, the helper with 20 routes and the bare timer. */
    @Setup(Level.Trial)
    public void setUp() {
        registry = MeterRegistries.prometheus("bench", "bench-1");
        List<String> routes = new java.util.ArrayList<>();
        for (int i = 0; i < 19; i++) {
            routes.add("/api/v1/resource" + i + "/{id}");
        }
        routes.add("/orders/{id}");
        metrics = HttpServerMetrics.builder(registry).routes(routes).build();
        bare = Timer.builder("http.server.requests.bare")
                .tags("method", "GET", "uri", "/orders/{id}", "status", "200", "outcome", "SUCCESS")
                .register(registry);
        method = new String("GET".toCharArray()); // not the interned literal, as a server would hand it over
        route = new String("/orders/{id}".toCharArray());
        rawPath = "/orders/7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50";
    }

    /** Closes the registry. */
    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    /** Baseline: the Micrometer call every instrumented request ends with. */
    @Benchmark
    public void bareTimerRecord() {
        bare.record(NANOS, TimeUnit.NANOSECONDS);
    }

    /** The helper with a known route template. */
    @Benchmark
    public void httpServerMetricsRecord() {
        metrics.record(method, route, 200, DURATION);
    }

    /** The helper fed a raw path by mistake: it lands in the UNKNOWN series. */
    @Benchmark
    public void httpServerMetricsRecordUnknownRoute() {
        metrics.record(method, rawPath, 404, DURATION);
    }

    /** start() + stop(): active gauge increment/decrement, nanoTime twice, record. */
    @Benchmark
    public long httpServerMetricsStartStop() {
        return metrics.start().stop(method, route, 200);
    }
}
