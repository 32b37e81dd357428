package dev.adxcore.platform.benchmarks.kafka;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.events.kafka.KafkaEventBusConfig;
import dev.adxcore.platform.events.kafka.KafkaEventBuses;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Load driver for the Kafka event bus against a real broker, with Kafka's own {@code ProducerPerformance}
 * (kafka-tools) run on the same broker in the same run as the reference. Not JMH: paced latency and end-to-end
 * throughput need a producer, a consumer and one clock.
 *
 * <ol>
 *   <li>{@code ProducerPerformance --record-size <size of the bus's CloudEvents JSON> --throughput -1} with the
 *       bus's producer settings: {@code acks=all enable.idempotence=true linger.ms=5 batch.size=16384}, 6
 *       partitions.</li>
 *   <li>Bus publish throughput: {@code publishAll} batches of 100 events (keyed by 64 aggregates), 20 batches in
 *       flight, same record size, same producer settings.</li>
 *   <li>End-to-end throughput: 200,000 events published while one subscription (concurrency 4) handles them;
 *       events/s until the last is handled.</li>
 *   <li>End-to-end latency at 5,000 events/s: single {@code publish} calls paced 5 per millisecond (the producer
 *       sleeps between ticks), the handler records {@code now - publishedAt} (same JVM clock); p50/p99/p99.9 over
 *       20 s after 5 s warm-up, concurrency 4 and 1.</li>
 * </ol>
 *
 * <p>Run (see BENCHMARKS.md for the exact command): {@code java -cp benchmarks/target/benchmarks.jar
 * dev.adxcore.platform.benchmarks.kafka.KafkaEventBusLoadDriver [host:port]}; without an address it starts the
 * test kit's private KRaft broker ({@code PLATFORM_TEST_KAFKA_JVM_ARGS} sets that broker's JVM options).
 * {@code -Dbench.quick=true} runs every phase briefly (a smoke run, not for results).
 *
 * <p>{@code -Dbench.kafka.diagnose=true} adds, after the phases above, a latency diagnosis at the same 5,000
 * events/s: the concurrency 1 and 4 phases again in the order 1, 4, 1, 4 (so that neither always comes first
 * after the end-to-end burst), then one phase where a concurrency 1 and a concurrency 4 subscription (two groups)
 * handle the very same events (an A/B under one load). Each phase prints its latency split into publish → broker
 * acknowledgement (the publish stage completing) and acknowledgement → handler (the consumer side: fetch, poll,
 * hand-off to the engine), and the driver's CPU time per 1,000 events. Acknowledgement → handler can be slightly
 * negative: the broker may answer the consumer's fetch before the producer has read its produce response. Compare
 * the groups of the side-by-side phase with each other, not with another run: on a shared machine only that
 * comparison is free of the noise of other processes.
 */
public final class KafkaEventBusLoadDriver {

    private static final Pattern RPS = Pattern.compile("([0-9]+) records sent, ([0-9.]+) records/sec");

    private KafkaEventBusLoadDriver() {}

    /**
     * @param args optional bootstrap servers
     * @throws Exception when the broker is not reachable
     */
    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.getBoolean("bench.quick");
        KafkaServer kit = null;
        String bootstrap;
        if (args.length > 0) {
            bootstrap = args[0];
        } else {
            kit = TestServers.privateKafka();
            bootstrap = kit.bootstrapServers();
        }
        try {
            run(bootstrap, quick);
        } finally {
            if (kit != null) {
                kit.close();
            }
        }
    }

    private static void run(String bootstrap, boolean quick) throws Exception {
        String run = Long.toHexString(System.nanoTime());
        byte[] sample = CloudEventJson.writeBytes(Event.builder("order.placed")
                .tenantId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                .aggregate("order", "o-1")
                .data("{\"total\":1200,\"currency\":\"EUR\"}")
                .build());
        System.out.printf(
                "broker %s; event size as CloudEvents JSON: %d bytes; load average at start: %s%n",
                bootstrap, sample.length, loadAverage());
        int records = quick ? 20_000 : 500_000;

        System.out.println("== ProducerPerformance (kafka-tools, same broker, same run)");
        String refTopic = "bench.ref." + run;
        createTopic(bootstrap, refTopic, 6);
        double reference = producerPerformance(bootstrap, refTopic, records, sample.length);
        System.out.printf(
                "ProducerPerformance --record-size %d acks=all idempotent linger 5 ms: %,.0f records/s%n",
                sample.length, reference);

        EventBusOptions options = EventBusOptions.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .serviceName("bench")
                .build();
        KafkaEventBusConfig config = KafkaEventBusConfig.builder(bootstrap)
                .topic("bench.events." + run)
                .partitions(6)
                .linger(java.time.Duration.ofMillis(5))
                .batchBytes(16384)
                .build();
        try (EventBus bus = KafkaEventBuses.open(config, options)) {
            System.out.println("== publishAll, 100 events per batch, 20 batches in flight");
            publishThroughput(bus, records / 5); // warm-up
            double published = publishThroughput(bus, records);
            System.out.printf(
                    "bus publish: %,.0f events/s (%.2fx ProducerPerformance)%n", published, published / reference);

            System.out.println("== end to end (publish -> handled, offsets committed)");
            double e2e = endToEndThroughput(bus, quick ? 20_000 : 200_000);
            System.out.printf("end-to-end throughput (concurrency 4): %,.0f events/s%n", e2e);

            System.out.println("== latency at 5,000 events/s");
            for (int concurrency : new int[] {4, 1}) {
                long[] p = pacedLatency(bus, 5_000, quick ? 1 : 5, quick ? 2 : 20, concurrency);
                System.out.printf(
                        "publish -> handler at 5,000/s, concurrency %d: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                                + " max %.2f ms (load average after: %s)%n",
                        concurrency, p[0] / 1e6, p[1] / 1e6, p[2] / 1e6, p[3] / 1e6, loadAverage());
            }
            if (Boolean.getBoolean("bench.kafka.diagnose")) {
                diagnose(bus, quick);
            }
        }
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Runs kafka-tools' ProducerPerformance in a JVM of its own (it may call System.exit) and parses its summary. */
    private static double producerPerformance(String bootstrap, String topic, int records, int size) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                Integer.toString(records),
                "--record-size",
                Integer.toString(size),
                "--throughput",
                "-1",
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=all",
                "enable.idempotence=true",
                "linger.ms=5",
                "batch.size=16384",
                "compression.type=none",
                "max.in.flight.requests.per.connection=5"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        p.waitFor(10, TimeUnit.MINUTES);
        Matcher m = RPS.matcher(out);
        double last = 0;
        while (m.find()) {
            if (Long.parseLong(m.group(1)) == records) {
                last = Double.parseDouble(m.group(2)); // the final summary line
            }
        }
        if (last == 0) {
            throw new IllegalStateException("ProducerPerformance printed no summary: " + out);
        }
        return last;
    }

    private static double publishThroughput(EventBus bus, int total) throws Exception {
        int batch = 100;
        Semaphore window = new Semaphore(20);
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>(total / batch + 1);
        long start = System.nanoTime();
        for (int i = 0; i < total; i += batch) {
            List<Event> b = new ArrayList<>(batch);
            for (int j = 0; j < batch; j++) {
                b.add(Event.builder("order.placed")
                        .tenantId("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f")
                        .aggregate("order", "o-" + ((i + j) % 64))
                        .data("{\"total\":1200,\"currency\":\"EUR\"}")
                        .build());
            }
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
                .get(10, TimeUnit.MINUTES);
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
                Semaphore window = new Semaphore(20);
                for (int i = 0; i < total; i += 100) {
                    List<Event> b = new ArrayList<>(100);
                    for (int j = 0; j < 100; j++) {
                        b.add(Event.builder("bench.e2e")
                                .aggregate("order", "o-" + (j % 64))
                                .data("{\"n\":" + (i + j) + "}")
                                .build());
                    }
                    window.acquireUninterruptibly();
                    bus.publishAll(b).toCompletableFuture().whenComplete((ok, e) -> window.release());
                }
            });
            producer.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (handled.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long end = System.nanoTime();
            producer.join();
            return handled.get() / ((end - start) / 1e9);
        }
    }

    /** The latency diagnosis of {@code -Dbench.kafka.diagnose=true} (see the class description). */
    private static void diagnose(EventBus bus, boolean quick) throws Exception {
        int warmup = quick ? 1 : 5;
        int measure = quick ? 2 : 20;
        System.out.println(
                "== latency diagnosis at 5,000 events/s (publish -> ack = broker; ack -> handler = consumer)");
        for (int[] phase : new int[][] {{1}, {4}, {1}, {4}, {1, 4}}) {
            diagnosePhase(bus, 5_000, warmup, measure, phase);
        }
    }

    /**
     * One paced phase with one subscription (group) per entry of {@code concurrencies}, all handling the same
     * events; prints each group's split latency.
     */
    private static void diagnosePhase(
            EventBus bus, int perSecond, int warmupSeconds, int measureSeconds, int[] concurrencies) throws Exception {
        int total = perSecond * (warmupSeconds + measureSeconds);
        int warmup = perSecond * warmupSeconds;
        long[] published = new long[total];
        long[] acked = new long[total];
        long[][] handled = new long[concurrencies.length][total];
        AtomicInteger received = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        List<Subscription> subs = new ArrayList<>();
        try {
            for (int g = 0; g < concurrencies.length; g++) {
                long[] mine = handled[g];
                subs.add(bus.subscribe(EventSubscription.builder(
                                "bench-diagnose-c" + concurrencies[g] + "-" + Long.toHexString(System.nanoTime()),
                                e -> {
                                    mine[Integer.parseInt(e.subject().orElseThrow())] = System.nanoTime();
                                    received.incrementAndGet();
                                })
                        .types("bench.diagnose")
                        .concurrency(concurrencies[g])
                        .build()));
            }
            int perTick = perSecond / 1000;
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            for (int n = 0; n < total; ) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(n / perTick);
                for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                for (int k = 0; k < perTick; k++, n++) {
                    int index = n;
                    published[index] = System.nanoTime();
                    Event e = Event.builder("bench.diagnose")
                            .aggregate("order", "o-" + (n % 64))
                            .subject(Integer.toString(n))
                            .data("{}")
                            .build();
                    bus.publish(e).whenComplete((ok, err) -> {
                        if (err != null) {
                            errors.incrementAndGet();
                        } else {
                            acked[index] = System.nanoTime();
                        }
                    });
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int expected = total * concurrencies.length;
            while (received.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double cpuPerThousand = (processCpuNanos() - cpuBefore) / 1e6 * 1000 / total;
            System.out.printf(
                    "phase %s: driver CPU %.1f ms per 1,000 events, load average %s%s%n",
                    Arrays.toString(concurrencies),
                    cpuPerThousand,
                    loadAverage(),
                    received.get() < expected || errors.get() > 0
                            ? " (received " + received.get() + " of " + expected + ", " + errors.get()
                                    + " publish errors)"
                            : "");
            printSplit("  publish -> ack", published, acked, warmup, total);
            for (int g = 0; g < concurrencies.length; g++) {
                String c = "  concurrency " + concurrencies[g];
                printSplit(c + " ack -> handler", acked, handled[g], warmup, total);
                printSplit(c + " publish -> handler", published, handled[g], warmup, total);
            }
        } finally {
            for (Subscription s : subs) {
                s.close();
            }
        }
    }

    private static void printSplit(String what, long[] from, long[] to, int first, int end) {
        long[] d = new long[end - first];
        int m = 0;
        for (int n = first; n < end; n++) {
            if (from[n] != 0 && to[n] != 0) {
                d[m++] = to[n] - from[n];
            }
        }
        if (m == 0) {
            System.out.printf("%-40s (no samples)%n", what);
            return;
        }
        long[] sorted = Arrays.copyOf(d, m);
        Arrays.sort(sorted);
        System.out.printf(
                "%-40s p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %6.2f ms%n",
                what, pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6, pct(sorted, 0.999) / 1e6, sorted[m - 1] / 1e6);
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    /** @return p50, p99, p99.9 and max latency in nanoseconds */
    private static long[] pacedLatency(
            EventBus bus, int perSecond, int warmupSeconds, int measureSeconds, int concurrency) throws Exception {
        int total = perSecond * (warmupSeconds + measureSeconds);
        int warmup = perSecond * warmupSeconds;
        long[] latencies = new long[total];
        AtomicInteger received = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
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
                for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                    LockSupport.parkNanos(left); // sleep, not spin: a spinning producer takes a core from the consumer
                }
                for (int k = 0; k < perTick; k++, n++) {
                    Event e = Event.builder("bench.latency")
                            .aggregate("order", "o-" + (n % 64))
                            .subject(Integer.toString(n))
                            .data(Long.toString(System.nanoTime()))
                            .build();
                    bus.publish(e).whenComplete((ok, err) -> {
                        if (err != null) {
                            errors.incrementAndGet();
                        }
                    });
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (received.get() < total || errors.get() > 0) {
                System.out.printf("  (received %d of %d, %d publish errors)%n", received.get(), total, errors.get());
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

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg"))
                    .trim()
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }
}
