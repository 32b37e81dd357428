package dev.adxcore.platform.benchmarks.events;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publish → handler latency under a steady load: {@value #EVENTS} events published at a fixed
 * {@code rate} (events/s, open loop: the send time is the scheduled time, so a stall is not hidden),
 * to {@code subscriptions} subscriptions, against the same load handed to one single-thread executor per
 * subscription. Each iteration prints p50/p99/p99.9/max in microseconds (the JMH score is only the time
 * the iteration took).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'events.PacedLatencyBenchmark'}
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PacedLatencyBenchmark {

    static final int EVENTS = 100_000;

    /** Events per second. */
    @Param({"50000"})
    public int rate;

    /** How many subscriptions receive every event. */
    @Param({"1", "4"})
    public int subscriptions;

    /** {@code bus} or {@code executor}. */
    @Param({"bus", "executor"})
    public String target;

    private EventBus bus;
    private ExecutorService[] executors;
    private Event[] events;
    private long[] sentAt;
    private long[][] latency;
    private AtomicInteger[] received;

    @Setup(Level.Trial)
    public void setUp() {
        events = new Event[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = Event.builder("paced.happened")
                    .id("e-" + i)
                    .time(Instant.EPOCH)
                    .aggregate("a", "a-" + (i % 64))
                    .data(Integer.toString(i))
                    .build();
        }
        sentAt = new long[EVENTS];
        latency = new long[subscriptions][EVENTS];
        received = new AtomicInteger[subscriptions];
        for (int s = 0; s < subscriptions; s++) {
            received[s] = new AtomicInteger();
        }
        if (target.equals("bus")) {
            bus = EventBuses.open(
                    "memory:?capacity=200000",
                    EventBusOptions.builder()
                            .meterRegistry(new SimpleMeterRegistry())
                            .build());
            for (int s = 0; s < subscriptions; s++) {
                int sub = s;
                bus.subscribe(EventSubscription.builder("paced-" + s, e -> record(sub, Integer.parseInt(e.data())))
                        .build());
            }
        } else {
            executors = new ExecutorService[subscriptions];
            for (int s = 0; s < subscriptions; s++) {
                executors[s] = Executors.newSingleThreadExecutor();
            }
        }
    }

    private void record(int sub, int seq) {
        latency[sub][seq] = System.nanoTime() - sentAt[seq];
        received[sub].incrementAndGet();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (bus != null) {
            bus.close(Duration.ofSeconds(5));
        }
        if (executors != null) {
            for (ExecutorService e : executors) {
                e.shutdownNow();
            }
        }
    }

    @Setup(Level.Iteration)
    public void reset() {
        for (AtomicInteger r : received) {
            r.set(0);
        }
    }

    @TearDown(Level.Iteration)
    public void report() {
        long[] all = new long[subscriptions * EVENTS];
        for (int s = 0; s < subscriptions; s++) {
            System.arraycopy(latency[s], 0, all, s * EVENTS, EVENTS);
        }
        Arrays.sort(all);
        System.out.printf(
                "%n  [paced %s subs=%d rate=%d/s] p50=%.1f us p99=%.1f us p99.9=%.1f us max=%.1f us%n",
                target,
                subscriptions,
                rate,
                all[all.length / 2] / 1e3,
                all[(int) (all.length * 0.99)] / 1e3,
                all[(int) (all.length * 0.999)] / 1e3,
                all[all.length - 1] / 1e3);
    }

    @Benchmark
    public void paced() {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                long left = due - System.nanoTime();
                if (left > 60_000) {
                    LockSupport.parkNanos(left - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            sentAt[i] = due;
            if (bus != null) {
                bus.publish(events[i]);
            } else {
                int seq = i;
                for (int s = 0; s < subscriptions; s++) {
                    int sub = s;
                    executors[s].execute(() -> record(sub, seq));
                }
            }
        }
        for (AtomicInteger r : received) {
            while (r.get() < EVENTS) {
                Thread.onSpinWait();
            }
        }
    }
}
