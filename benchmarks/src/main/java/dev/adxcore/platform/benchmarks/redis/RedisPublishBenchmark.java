package dev.adxcore.platform.benchmarks.redis;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one Redis publish costs the publishing process, for load-insensitive comparisons: bytes allocated per
 * event (run with {@code -prof gc}: {@code gc.alloc.rate.norm} counts every thread of the JVM, so Lettuce's event
 * loop is included) and process CPU time per event (printed after each iteration: user + system time of the whole
 * JVM, the Redis server excluded, divided by the events published in the iteration). The time scores depend on the
 * machine's load and are not the figures to quote; {@link RedisEventBusLoadDriver} measures throughput and latency
 * against {@code redis-benchmark}.
 *
 * <ul>
 *   <li>{@code publish}: one {@code publish}, waiting for Redis to confirm it.</li>
 *   <li>{@code publishAll16}: one {@code publishAll} of 16 events (16 pipelined {@code XADD}s), waiting for all;
 *       scores are per event.</li>
 * </ul>
 *
 * <p>Run (Redis on 127.0.0.1:6379, or {@code -p uri=redis://host:port}):
 * {@code java -jar benchmarks/target/benchmarks.jar 'redis.RedisPublishBenchmark' -prof gc}
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisPublishBenchmark {

    private static final int EVENTS = 1024;
    private static final int BATCH = 16;

    /** The Redis server; the benchmark writes to a stream of its own and deletes it at the end. */
    @Param({"redis://127.0.0.1:6379"})
    public String uri;

    private EventBus bus;
    private Event[] events;
    private List<List<Event>> batches;
    private int next;
    private long published;
    private long cpuAtStart;
    private String streamKey;

    @Setup(Level.Trial)
    public void setUp() {
        String prefix = "bench:alloc:" + Long.toHexString(System.nanoTime()) + ":";
        streamKey = prefix + "stream";
        bus = RedisEventBuses.open(
                RedisEventBusConfig.builder(URI.create(uri))
                        .streamKeyPrefix(prefix)
                        .maxStreamLength(10_000)
                        .build(),
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .serviceName("bench")
                        .build());
        // the load driver's event: the sample of 361 bytes as CloudEvents JSON (tenant, aggregate, small data)
        events = new Event[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = Event.builder("order.placed")
                    .tenantId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                    .aggregate("order", "o-" + (i % 64))
                    .data("{\"total\":1200,\"currency\":\"EUR\"}")
                    .build();
        }
        batches = new ArrayList<>();
        for (int i = 0; i < EVENTS; i += BATCH) {
            batches.add(List.of(events).subList(i, i + BATCH));
        }
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        published = 0;
        cpuAtStart = processCpuNanos();
    }

    @TearDown(Level.Iteration)
    public void printCpuPerEvent() {
        long cpu = processCpuNanos() - cpuAtStart;
        if (published > 0 && cpu > 0) {
            System.out.printf(" [cpu %.2f us/event over %,d events]", cpu / 1e3 / published, published);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        bus.close();
        URI u = URI.create(uri);
        new ProcessBuilder(
                        "redis-cli",
                        "-h",
                        u.getHost(),
                        "-p",
                        Integer.toString(u.getPort() < 0 ? 6379 : u.getPort()),
                        "DEL",
                        streamKey)
                .start()
                .waitFor();
    }

    @Benchmark
    public void publish() {
        Event e = events[next++ & (EVENTS - 1)];
        bus.publish(e).toCompletableFuture().join();
        published++;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publishAll16() {
        List<Event> b = batches.get(next++ & (batches.size() - 1));
        bus.publishAll(b).toCompletableFuture().join();
        published += BATCH;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
