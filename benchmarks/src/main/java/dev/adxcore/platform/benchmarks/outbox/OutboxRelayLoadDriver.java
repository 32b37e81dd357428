package dev.adxcore.platform.benchmarks.outbox;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.test.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load driver of the outbox relay, on the kit's PostgreSQL (and Redis unless a URI is given):
 * <ul>
 *   <li>{@code throughput [events]}: records N events (units of 100), then times the relay draining them to the
 *       in-memory bus, then to Redis, with a direct {@code publishAll} of the same events to Redis (batches of the
 *       relay's batch size) in the same run as the baseline (after an unmeasured warm-up drain of n/5), timing until the relay has published them all (its
 *       published counter); also once to a subscriber in the same JVM, end to end, for reference. Goals: memory
 *       >= 10,000/s; Redis >= 0.5x direct.</li>
 *   <li>{@code latency [seconds] [rate]}: a writer commits one event per unit at {@code rate}/s (default 1000) for
 *       {@code seconds} (default 20) after 5 s of unmeasured warm-up at the same rate; a subscriber on the in-memory bus measures from the start of the unit (so
 *       the unit's own insert and commit are included: an upper bound of commit-to-handler) to handler start.
 *       Goal: p99 < 50 ms. Add {@code redis} as a last argument to go through Redis instead.</li>
 * </ul>
 * Run: {@code java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.adxcore.platform.benchmarks.outbox.OutboxRelayLoadDriver throughput 100000 [workers, default 2]}
 */
public final class OutboxRelayLoadDriver {

    private OutboxRelayLoadDriver() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        try (OutboxBenchDatabase database = new OutboxBenchDatabase()) {
            if (mode.equals("latency")) {
                int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
                int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
                boolean redis = args.length > 3 && args[3].equals("redis");
                latency(database, seconds, rate, redis);
            } else {
                int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
                int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
                throughput(database, events, workers);
            }
        }
        System.exit(0);
    }

    private static String redisUri() {
        var redis = TestServers.redis();
        return redis.uri() + "?streamKeyPrefix=" + redis.key("outbox-bench:") + "&maxStreamLength=2000000";
    }

    private static List<Event> events(int n) {
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Event.builder("item.counted")
                    .tenantId(OutboxBenchDatabase.TENANT)
                    .aggregate("item", Integer.toString(i % 1000))
                    .data("{\"i\":" + i + ",\"payload\":\"0123456789abcdef0123456789abcdef\"}")
                    .build());
        }
        return out;
    }

    private static void recordAll(DatabaseManager app, Outbox outbox, List<Event> events) {
        for (int from = 0; from < events.size(); from += 100) {
            List<Event> chunk = events.subList(from, Math.min(events.size(), from + 100));
            app.inTransaction(OutboxBenchDatabase.TENANT, h -> {
                for (Event e : chunk) {
                    outbox.record(h, e);
                }
                return null;
            });
        }
    }

    private static void throughput(OutboxBenchDatabase database, int n, int workers) throws Exception {
        System.out.printf("relay: batches of 500, 32 partitions per batch, %d worker(s)%n", workers);
        OutboxRelayConfig.Builder config = OutboxRelayConfig.builder()
                .batchSize(500)
                .partitionsPerBatch(32)
                .workers(workers)
                .publishedRetention(Duration.ZERO);
        try (DatabaseManager app = database.app(4);
                DatabaseManager relayDb = database.relay(4)) {
            Outbox outbox = Outbox.create(app);
            List<Event> events = events(n);
            // warm-up, not measured: one drain of a fifth of the events (JIT, pools, statement caches)
            drain(
                    database,
                    app,
                    relayDb,
                    outbox,
                    events.subList(0, n / 5),
                    EventBuses.open("memory:?capacity=" + (n + 10)),
                    config,
                    false);
            double memory = drain(
                    database,
                    app,
                    relayDb,
                    outbox,
                    events,
                    EventBuses.open("memory:?capacity=" + (n + 10)),
                    config,
                    false);
            System.out.printf(
                    "relay -> memory: %,d events published in %.2f s = %,.0f events/s (goal >= 10,000)%n",
                    n, n / memory, memory);
            double delivered = drain(
                    database,
                    app,
                    relayDb,
                    outbox,
                    events,
                    EventBuses.open("memory:?capacity=" + (n + 10)),
                    config,
                    true);
            System.out.printf(
                    "relay -> memory -> a subscriber in the same JVM (end to end, for reference): %,.0f events/s%n",
                    delivered);
            String uri = redisUri();
            double redis = drain(database, app, relayDb, outbox, events, EventBuses.open(uri), config, false);
            double direct;
            try (EventBus bus = EventBuses.open(
                    uri,
                    EventBusOptions.builder()
                            .meterRegistry(new SimpleMeterRegistry())
                            .build())) {
                long start = System.nanoTime();
                for (int from = 0; from < n; from += 500) {
                    bus.publishAll(events.subList(from, Math.min(n, from + 500)))
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                }
                direct = n / ((System.nanoTime() - start) / 1e9);
            }
            System.out.printf(
                    "relay -> redis: %,.0f events/s published; direct publishAll to redis (batches of 500): %,.0f events/s;"
                            + " ratio %.2f (goal >= 0.5)%n",
                    redis, direct, redis / direct);
        }
    }

    /**
     * Records the events with no relay running, then times a relay publishing all of them (its
     * {@code platform.outbox.relay.published} counter), or, with {@code subscribe}, until a subscriber of the bus
     * received them all; returns events per second.
     */
    private static double drain(
            OutboxBenchDatabase database,
            DatabaseManager app,
            DatabaseManager relayDb,
            Outbox outbox,
            List<Event> events,
            EventBus bus,
            OutboxRelayConfig.Builder config,
            boolean subscribe)
            throws Exception {
        try (bus) {
            // Each drain starts from a vacuumed outbox, as autovacuum leaves it between bursts: the previous phase's
            // deleted rows would otherwise sit in the pending index (this run has no minute for autovacuum to act).
            database.vacuumOutbox();
            recordAll(app, outbox, events);
            CountDownLatch all = new CountDownLatch(subscribe ? events.size() : 0);
            if (subscribe) {
                bus.subscribe(EventSubscription.builder("bench", e -> all.countDown())
                        .concurrency(2)
                        .build());
            }
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (OutboxRelay relay = OutboxRelay.create(
                    relayDb, bus, config.meterRegistry(meters).build())) {
                long start = System.nanoTime();
                relay.start();
                long deadline = start + TimeUnit.MINUTES.toNanos(10);
                while (meters.get("platform.outbox.relay.published").counter().count() < events.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not published within 10 minutes");
                    }
                    Thread.sleep(2);
                }
                if (!all.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("not drained: " + all.getCount() + " left");
                }
                return events.size() / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static void latency(OutboxBenchDatabase database, int seconds, int rate, boolean redis) throws Exception {
        int warmup = 5 * rate; // 5 s at the same rate, not measured (JIT, pools, the bus's first connections)
        int total = seconds * rate;
        long[] latencies = new long[total];
        AtomicInteger seen = new AtomicInteger();
        try (DatabaseManager app = database.app(4);
                DatabaseManager relayDb = database.relay(4);
                EventBus bus = EventBuses.open(redis ? redisUri() : "memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .publishedRetention(Duration.ZERO)
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            Outbox outbox = Outbox.create(app);
            bus.subscribe(EventSubscription.builder("latency", e -> {
                        long now = System.nanoTime();
                        String[] subject = e.subject().orElseThrow().split(":");
                        if (Integer.parseInt(subject[0]) >= warmup) {
                            latencies[seen.getAndIncrement()] = now - Long.parseLong(subject[1]);
                        }
                    })
                    .concurrency(4)
                    .build());
            relay.start();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            for (int i = 0; i < warmup + total; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += interval;
                Event e = Event.builder("item.counted")
                        .tenantId(OutboxBenchDatabase.TENANT)
                        .aggregate("item", Integer.toString(i % 1000))
                        .subject(i + ":" + System.nanoTime())
                        .data("{}")
                        .build();
                app.inTransaction(OutboxBenchDatabase.TENANT, h -> {
                    outbox.record(h, e);
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        int n = seen.get();
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf(
                "commit -> handler via %s at %,d/s for %d s after 5 s of warm-up: %,d of %,d delivered; p50 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms (goal p99 < 50 ms)%n",
                redis ? "redis" : "memory",
                rate,
                seconds,
                n,
                total,
                sorted[n / 2] / 1e6,
                sorted[(int) (n * 0.99)] / 1e6,
                sorted[n - 1] / 1e6);
    }
}
