package dev.adxcore.platform.benchmarks.events;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * In-memory event bus vs a plain {@link ExecutorService} hand-off (the floor), measured in the same run.
 *
 * <ul>
 *   <li>{@code *Latency}: one event published, the benchmark thread spins until every subscription's
 *       handler has seen it (publish → handler round trip, unloaded); SampleTime gives p50/p99.</li>
 *   <li>{@code *Throughput}: a burst of {@value #BURST} pre-built events, waiting until every handler
 *       has counted all of them; the score is events per second.</li>
 * </ul>
 * Paced latency at a fixed rate is in {@link PacedLatencyBenchmark}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'events.EventBusBenchmark'}
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EventBusBenchmark {

    static final int BURST = 10_000;

    /** How many subscriptions (ids) receive every event. */
    @Param({"1", "4"})
    public int subscriptions;

    private EventBus bus;
    private ExecutorService executor;
    private AtomicLong[] seen;
    private Event[] burst;
    private Event single;
    private long expected;

    @Setup(Level.Trial)
    public void setUp() {
        bus = EventBuses.open(
                "memory:?capacity=100000",
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .build());
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "baseline-executor");
            t.setDaemon(true);
            return t;
        });
        seen = new AtomicLong[subscriptions];
        for (int i = 0; i < subscriptions; i++) {
            AtomicLong counter = new AtomicLong();
            seen[i] = counter;
            bus.subscribe(EventSubscription.builder("bench-" + i, e -> counter.incrementAndGet())
                    .types("bench.*")
                    .build());
        }
        burst = new Event[BURST];
        for (int i = 0; i < BURST; i++) {
            burst[i] = Event.builder("bench.happened")
                    .id("e-" + i)
                    .time(Instant.EPOCH)
                    .tenantId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                    .data("{\"n\":" + i + "}")
                    .build();
        }
        single = burst[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close(Duration.ofSeconds(5));
        executor.shutdownNow();
    }

    private void awaitAll(long target) {
        for (AtomicLong counter : seen) {
            while (counter.get() < target) {
                Thread.onSpinWait();
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void busLatency() {
        expected++;
        bus.publish(single);
        awaitAll(expected);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void executorLatency() {
        expected++;
        for (AtomicLong counter : seen) {
            executor.execute(counter::incrementAndGet);
        }
        awaitAll(expected);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BURST)
    public void busThroughput() {
        for (Event e : burst) {
            bus.publish(e);
        }
        expected += BURST;
        awaitAll(expected);
    }

    /**
     * The floor: each subscription is a single-thread executor, the usual hand-off for ordered work, and
     * gets one task per event.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BURST)
    public void executorThroughput(SerialExecutors serial) {
        for (int i = 0; i < BURST; i++) {
            for (int s = 0; s < subscriptions; s++) {
                AtomicLong counter = seen[s];
                serial.executors[s].execute(counter::incrementAndGet);
            }
        }
        expected += BURST;
        awaitAll(expected);
    }

    /** One single-thread executor per subscription. */
    @State(Scope.Benchmark)
    public static class SerialExecutors {
        ExecutorService[] executors;

        @Setup(Level.Trial)
        public void setUp(EventBusBenchmark b) {
            executors = new ExecutorService[b.subscriptions];
            for (int i = 0; i < executors.length; i++) {
                executors[i] = Executors.newSingleThreadExecutor();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (ExecutorService e : executors) {
                e.shutdownNow();
            }
        }
    }
}
