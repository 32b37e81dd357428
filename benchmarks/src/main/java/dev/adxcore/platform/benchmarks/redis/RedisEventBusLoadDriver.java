package dev.adxcore.platform.benchmarks.redis;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load driver for the Redis Streams event bus against a real Redis server, with {@code redis-benchmark}
 * XADD run on the same server in the same run as the reference. Not JMH: paced latency and end-to-end
 * throughput need a producer, a consumer and a clock shared by both.
 *
 * <ol>
 *   <li>{@code redis-benchmark -P 16 XADD} with 50 clients and with 1 client, small fields and an event-sized
 *       field: the server's ceiling at that pipelining depth.</li>
 *   <li>Pipelined publish throughput: {@code publishAll} batches of 16 events (16 XADDs flushed together),
 *       50 batches in flight (like 50 clients × {@code -P 16}) and 1 batch in flight.</li>
 *   <li>End-to-end throughput: 200,000 events published pipelined while one subscription (concurrency 4)
 *       handles and acknowledges them; events/s until the last is acknowledged.</li>
 *   <li>End-to-end latency at 5,000 events/s: single {@code publish} calls paced every millisecond (the
 *       producer sleeps between ticks rather than spinning, so that it does not take a core from the consumer), the
 *       handler records {@code now - publishedAt} (same JVM clock); p50/p99/p99.9 over 20 s after 5 s warm-up,
 *       with subscription concurrency 4 and 1.</li>
 * </ol>
 *
 * <p>Run (with Redis on 127.0.0.1:6379 and {@code redis-benchmark} on the PATH):
 * {@code java -cp benchmarks/target/benchmarks.jar dev.adxcore.platform.benchmarks.redis.RedisEventBusLoadDriver
 * [redis://127.0.0.1:6379]}
 */
public final class RedisEventBusLoadDriver {

    private static final Pattern RPS = Pattern.compile("([0-9.]+) requests per second");

    private RedisEventBusLoadDriver() {}

    /**
     * @param args optional Redis URI (default {@code redis://127.0.0.1:6379})
     * @throws Exception when the server is not reachable
     */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args.length > 0 ? args[0] : "redis://127.0.0.1:6379");
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        String prefix = "bench:" + Long.toHexString(System.nanoTime()) + ":";
        String sampleEvent = new String(
                io(Event.builder("order.placed")
                        .tenantId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                        .aggregate("order", "o-1")
                        .data("{\"total\":1200,\"currency\":\"EUR\"}")
                        .build()),
                StandardCharsets.UTF_8);
        System.out.printf("event size as CloudEvents JSON: %d bytes%n", sampleEvent.length());
        System.out.println("load average at start: " + loadAverage());

        if ("commands".equals(System.getProperty("bench.only"))) {
            commandsPerEvent(uri, prefix);
            return;
        }
        boolean latencyOnly = "latency".equals(System.getProperty("bench.only"));
        if (latencyOnly) {
            latencyOnly(uri, prefix);
            return;
        }
        System.out.println("== redis-benchmark XADD (same server, same run)");
        double rb50Small = redisBenchmark(host, port, 50, "f", "v");
        double rb50Event = redisBenchmark(host, port, 50, "event", sampleEvent);
        double rb1Event = redisBenchmark(host, port, 1, "event", sampleEvent);
        System.out.printf("redis-benchmark -P 16 -c 50 XADD f v          : %,.0f/s%n", rb50Small);
        System.out.printf("redis-benchmark -P 16 -c 50 XADD event <json> : %,.0f/s%n", rb50Event);
        System.out.printf("redis-benchmark -P 16 -c 1  XADD event <json> : %,.0f/s%n", rb1Event);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBusOptions options = EventBusOptions.builder()
                .meterRegistry(registry)
                .serviceName("bench")
                .build();
        RedisEventBusConfig config = RedisEventBusConfig.builder(uri)
                .streamKeyPrefix(prefix)
                .maxStreamLength(500_000)
                .build();
        try (EventBus bus = RedisEventBuses.open(config, options)) {
            System.out.println("== publishAll, 16 events per batch");
            publishThroughput(bus, 1, 100_000); // warm-up
            double pub50 = publishThroughput(bus, 50, 400_000);
            double pub1 = publishThroughput(bus, 1, 200_000);
            System.out.printf(
                    "publish, 50 batches of 16 in flight : %,.0f events/s (%.2fx redis-benchmark -c 50 event)%n",
                    pub50, pub50 / rb50Event);
            System.out.printf(
                    "publish, 1 batch of 16 in flight    : %,.0f events/s (%.2fx redis-benchmark -c 1 event)%n",
                    pub1, pub1 / rb1Event);

            System.out.println("== end to end (publish -> handled -> acknowledged)");
            double e2e = endToEndThroughput(bus, 200_000);
            System.out.printf("end-to-end throughput (concurrency 4): %,.0f events/s%n", e2e);

            System.out.println("== latency at 5,000 events/s");
            for (int concurrency : new int[] {4, 1}) {
                long[] p = pacedLatency(bus, 5_000, 5, 20, concurrency);
                System.out.printf(
                        "publish -> handler at 5,000/s, concurrency %d: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                                + " max %.2f ms (load average after: %s)%n",
                        concurrency, p[0] / 1e6, p[1] / 1e6, p[2] / 1e6, p[3] / 1e6, loadAverage());
            }
        } finally {
            Process del = new ProcessBuilder(
                            "redis-cli", "-h", host, "-p", Integer.toString(port), "--scan", "--pattern", prefix + "*")
                    .start();
            List<String> keys = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(del.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(keys::add);
            }
            for (String k : keys) {
                new ProcessBuilder("redis-cli", "-h", host, "-p", Integer.toString(port), "DEL", k)
                        .start()
                        .waitFor();
            }
            new ProcessBuilder("redis-cli", "-h", host, "-p", Integer.toString(port), "DEL", "bench:stream")
                    .start()
                    .waitFor();
        }
    }

    /** {@code -Dbench.only=latency}: only the paced latency part (quick checks while tuning; not for the results). */
    private static void latencyOnly(URI uri, String prefix) throws Exception {
        EventBusOptions options = EventBusOptions.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .serviceName("bench")
                .build();
        RedisEventBusConfig config = RedisEventBusConfig.builder(uri)
                .streamKeyPrefix(prefix)
                .maxStreamLength(500_000)
                .build();
        int seconds = Integer.getInteger("bench.seconds", 20);
        try (EventBus bus = RedisEventBuses.open(config, options)) {
            pacedLatency(bus, 5_000, 5, 5, 4); // JIT warm-up, which the full run gets from its earlier parts
            for (int concurrency : new int[] {4, 1}) {
                long[] p = pacedLatency(bus, 5_000, 5, seconds, concurrency);
                System.out.printf(
                        "publish -> handler at 5,000/s, concurrency %d: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                                + " max %.2f ms (load average after: %s)%n",
                        concurrency, p[0] / 1e6, p[1] / 1e6, p[2] / 1e6, p[3] / 1e6, loadAverage());
            }
        } finally {
            new ProcessBuilder(
                            "redis-cli",
                            "-h",
                            uri.getHost(),
                            "-p",
                            Integer.toString(uri.getPort() < 0 ? 6379 : uri.getPort()),
                            "DEL",
                            prefix + "stream")
                    .start()
                    .waitFor();
        }
    }

    /**
     * {@code -Dbench.only=commands [-Dbench.seconds=10] [-Dbench.concurrency=4]}: load-insensitive costs of the
     * paced 5,000 events/s run: Redis commands per event by type ({@code INFO commandstats} before and after, so
     * use a Redis server nobody else is using) and this JVM's CPU time per event (publisher, reader, lanes, Lettuce,
     * GC and JIT together). Not a latency measurement.
     */
    private static void commandsPerEvent(URI uri, String prefix) throws Exception {
        EventBusOptions options = EventBusOptions.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .serviceName("bench")
                .build();
        RedisEventBusConfig config = RedisEventBusConfig.builder(uri)
                .streamKeyPrefix(prefix)
                .maxStreamLength(500_000)
                .build();
        int seconds = Integer.getInteger("bench.seconds", 10);
        int concurrency = Integer.getInteger("bench.concurrency", 4);
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        try (EventBus bus = RedisEventBuses.open(config, options)) {
            pacedLatency(bus, 5_000, 2, 3, concurrency); // JIT warm-up
            java.util.Map<String, Long> before = commandStats(host, port);
            long cpuBefore = processCpuNanos();
            pacedLatency(bus, 5_000, 0, seconds, concurrency);
            long cpu = processCpuNanos() - cpuBefore;
            java.util.Map<String, Long> after = commandStats(host, port);
            long events = 5_000L * seconds;
            System.out.printf(
                    "paced 5,000/s for %d s, concurrency %d: %,d events, CPU %.1f us/event (load average %s)%n",
                    seconds, concurrency, events, cpu / 1e3 / events, loadAverage());
            long total = 0;
            for (var e : after.entrySet()) {
                long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (n > 0 && !e.getKey().equals("info")) {
                    total += n;
                    System.out.printf("  %-12s %8.3f per event (%,d)%n", e.getKey(), n / (double) events, n);
                }
            }
            System.out.printf("  %-12s %8.3f per event%n", "all", total / (double) events);
        } finally {
            new ProcessBuilder("redis-cli", "-h", host, "-p", Integer.toString(port), "DEL", prefix + "stream")
                    .start()
                    .waitFor();
        }
    }

    private static java.util.Map<String, Long> commandStats(String host, int port) throws Exception {
        Process p = new ProcessBuilder("redis-cli", "-h", host, "-p", Integer.toString(port), "INFO", "commandstats")
                .redirectErrorStream(true)
                .start();
        java.util.Map<String, Long> calls = new java.util.TreeMap<>();
        Pattern line = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> {
                Matcher m = line.matcher(l);
                if (m.find()) {
                    calls.put(m.group(1), Long.parseLong(m.group(2)));
                }
            });
        }
        p.waitFor();
        return calls;
    }

    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim()
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static byte[] io(Event e) {
        return dev.adxcore.platform.events.CloudEventJson.writeBytes(e);
    }

    private static double redisBenchmark(String host, int port, int clients, String field, String value)
            throws Exception {
        new ProcessBuilder("redis-cli", "-h", host, "-p", Integer.toString(port), "DEL", "bench:stream")
                .start()
                .waitFor();
        List<String> cmd = List.of(
                "redis-benchmark",
                "-h",
                host,
                "-p",
                Integer.toString(port),
                "-P",
                "16",
                "-c",
                Integer.toString(clients),
                "-n",
                "200000",
                "-q",
                "XADD",
                "bench:stream",
                "MAXLEN",
                "~",
                "500000",
                "*",
                field,
                value);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        p.waitFor();
        double best = 0;
        Matcher m = RPS.matcher(out);
        while (m.find()) {
            best = Double.parseDouble(m.group(1));
        }
        if (best == 0) {
            throw new IllegalStateException("redis-benchmark printed no result: " + out);
        }
        return best;
    }

    private static double publishThroughput(EventBus bus, int inFlight, int total) throws Exception {
        int batch = 16;
        List<List<Event>> batches = new ArrayList<>();
        for (int i = 0; i < total; i += batch) {
            List<Event> b = new ArrayList<>(batch);
            for (int j = 0; j < batch; j++) {
                b.add(Event.builder("bench.published")
                        .aggregate("order", "o-" + (j % 64))
                        .data("{\"n\":" + (i + j) + "}")
                        .build());
            }
            batches.add(b);
        }
        Semaphore window = new Semaphore(inFlight);
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> all = new ArrayList<>(batches.size());
        for (List<Event> b : batches) {
            window.acquire();
            all.add(bus.publishAll(b).toCompletableFuture().whenComplete((ok, e) -> {
                if (e != null) {
                    failures.incrementAndGet();
                }
                window.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            System.out.println("  (" + failures.get() + " batches failed)");
        }
        return total / seconds;
    }

    private static double endToEndThroughput(EventBus bus, int total) throws Exception {
        AtomicInteger handled = new AtomicInteger();
        String group = "bench-e2e-" + Long.toHexString(System.nanoTime());
        try (var sub = bus.subscribe(EventSubscription.builder(group, e -> handled.incrementAndGet())
                .types("bench.e2e")
                .concurrency(4)
                .build())) {
            long start = System.nanoTime();
            Thread producer = new Thread(() -> {
                try {
                    publishTyped(bus, "bench.e2e", total);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            producer.start();
            while (handled.get() < total) {
                Thread.sleep(1);
            }
            long end = System.nanoTime();
            producer.join();
            return total / ((end - start) / 1e9);
        }
    }

    private static void publishTyped(EventBus bus, String type, int total) throws Exception {
        Semaphore window = new Semaphore(50);
        for (int i = 0; i < total; i += 16) {
            List<Event> b = new ArrayList<>(16);
            for (int j = 0; j < 16; j++) {
                b.add(Event.builder(type)
                        .aggregate("order", "o-" + (j % 64))
                        .data("{\"n\":" + (i + j) + "}")
                        .build());
            }
            window.acquire();
            bus.publishAll(b).toCompletableFuture().whenComplete((ok, e) -> window.release());
        }
        window.acquire(50);
    }

    /** @return p50, p99, p99.9 and max latency in nanoseconds */
    private static long[] pacedLatency(
            EventBus bus, int perSecond, int warmupSeconds, int measureSeconds, int concurrency) throws Exception {
        int total = perSecond * (warmupSeconds + measureSeconds);
        int warmup = perSecond * warmupSeconds;
        long[] latencies = new long[total];
        AtomicInteger received = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> firstError =
                new java.util.concurrent.atomic.AtomicReference<>();
        String group = "bench-latency-" + Long.toHexString(System.nanoTime());
        try (var sub = bus.subscribe(EventSubscription.builder(group, e -> {
                    int n = Integer.parseInt(e.subject().orElseThrow());
                    latencies[n] = System.nanoTime() - Long.parseLong(e.data());
                    received.incrementAndGet();
                })
                .types("bench.latency")
                .concurrency(concurrency)
                .build())) {
            int perTick = perSecond / 1000;
            long start = System.nanoTime();
            for (int n = 0; n < total; ) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(n / perTick);
                // sleep, not spin: a spinning producer takes a whole core from the consumer it is measuring
                // (on a 2-core machine, half of it); parkNanos wakes up to ~0.1 ms late, well inside a 1 ms tick
                for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
                for (int k = 0; k < perTick; k++, n++) {
                    Event e = Event.builder("bench.latency")
                            .subject(Integer.toString(n))
                            .data(Long.toString(System.nanoTime()))
                            .build();
                    bus.publish(e).whenComplete((ok, err) -> {
                        if (err != null) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, err);
                        }
                    });
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (received.get() < total || errors.get() > 0) {
                System.out.printf(
                        "  (received %d of %d, %d publish errors; first: %s)%n",
                        received.get(), total, errors.get(), firstError.get());
            }
        }
        long[] measured = Arrays.copyOfRange(latencies, warmup, total);
        Arrays.sort(measured);
        return new long[] {pct(measured, 0.50), pct(measured, 0.99), pct(measured, 0.999), measured[measured.length - 1]
        };
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
