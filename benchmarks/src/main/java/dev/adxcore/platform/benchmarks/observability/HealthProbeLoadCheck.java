package dev.adxcore.platform.benchmarks.observability;

import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.http.ManagementServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Load check: 200 concurrent {@code GET /health/ready} probes while one check hangs must all complete
 * within the check timeout + 100 ms. The connections are opened first and the 200 requests then written
 * back to back from one selector thread; each probe is timed from its request write to the end of its
 * response. After a JIT
 * warm-up on {@code /health/live}, three rounds: a cold start (the hanging check starts with the first
 * probe), a second cold round after the cache expired, and a warm round inside the cache interval.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.adxcore.platform.benchmarks.observability.HealthProbeLoadCheck</pre>
 *
 * Exits with status 1 when a probe took longer than the bound or did not answer 503.
 */
public final class HealthProbeLoadCheck {

    private static final int PROBES = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final long BOUND_MS = TIMEOUT.toMillis() + 100;

    private HealthProbeLoadCheck() {}

    /**
     * Runs the check and prints one line per round.
     *
     * @param args ignored
     * @throws Exception when the setup fails
     */
    public static void main(String[] args) throws Exception {
        AtomicInteger hangingRuns = new AtomicInteger();
        AtomicLong hangingStarted = new AtomicLong();
        boolean ok = true;
        warmUp();
        try (HealthRegistry health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .defaultTimeout(TIMEOUT)
                .cacheTtl(CACHE_TTL)
                .build()) {
            health.register(HealthCheck.critical("hangs", () -> {
                hangingRuns.incrementAndGet();
                hangingStarted.set(System.nanoTime());
                Thread.sleep(TimeUnit.HOURS.toMillis(1));
                return HealthResult.up();
            }));
            for (int i = 0; i < 3; i++) {
                health.register(HealthCheck.critical("fast-" + i, HealthResult::up));
            }
            try (ManagementServer server = ManagementServer.builder()
                    .port(0)
                    .healthRegistry(health)
                    .build()
                    .start()) {
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
                System.out.printf(
                        Locale.ROOT,
                        "%d concurrent GET /health/ready on pre-opened connections, check timeout"
                                + " %d ms, bound %d ms, %d cores%n",
                        PROBES,
                        TIMEOUT.toMillis(),
                        BOUND_MS,
                        Runtime.getRuntime().availableProcessors());
                ok &= round("cold (hanging check starts)", address, "/health/ready", 503, BOUND_MS, hangingStarted);
                Thread.sleep(CACHE_TTL.toMillis() + 200);
                ok &= round("cold again (cache expired)", address, "/health/ready", 503, BOUND_MS, hangingStarted);
                ok &= round("warm (cached timed-out result)", address, "/health/ready", 503, BOUND_MS, hangingStarted);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "hanging check started %d times for %d /health/ready probes; result: %s%n",
                hangingRuns.get(),
                3 * PROBES,
                ok ? "PASS" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /**
     * JIT warm-up of the same code paths (server, registry, timeouts) on a separate registry and server,
     * so that the measured rounds describe a service that has been running, not a cold JVM.
     */
    private static void warmUp() throws Exception {
        try (HealthRegistry health = HealthRegistry.builder()
                        .discoverServiceLoaderChecks(false)
                        .defaultTimeout(Duration.ofMillis(50))
                        .cacheTtl(Duration.ZERO)
                        .build();
                ManagementServer server = ManagementServer.builder()
                        .port(0)
                        .healthRegistry(health)
                        .build()
                        .start()) {
            health.register(HealthCheck.critical("hangs", () -> {
                Thread.sleep(TimeUnit.HOURS.toMillis(1));
                return HealthResult.up();
            }));
            health.register(HealthCheck.critical("fast", HealthResult::up));
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            for (int i = 0; i < 10; i++) {
                round(
                        "warm-up",
                        address,
                        i % 2 == 0 ? "/health/ready" : "/health/live",
                        i % 2 == 0 ? 503 : 200,
                        Long.MAX_VALUE,
                        null,
                        false);
            }
        }
    }

    /**
     * Opens {@link #PROBES} connections, then sends one request on each back to back from one selector
     * thread (so the client costs little CPU) and times each from its write to the end of its response.
     */
    private static boolean round(
            String name,
            InetSocketAddress address,
            String path,
            int expectedStatus,
            long boundMs,
            @Nullable AtomicLong checkStarted)
            throws Exception {
        return round(name, address, path, expectedStatus, boundMs, checkStarted, true);
    }

    private static boolean round(
            String name,
            InetSocketAddress address,
            String path,
            int expectedStatus,
            long boundMs,
            @Nullable AtomicLong checkStarted,
            boolean print)
            throws Exception {
        if (checkStarted != null) {
            checkStarted.set(0);
        }
        long[] millis = new long[PROBES];
        long[] starts = new long[PROBES];
        long[] ends = new long[PROBES];
        int[] statuses = new int[PROBES];
        Arrays.fill(statuses, -1);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long roundStart = System.nanoTime();
        SocketChannel[] channels = new SocketChannel[PROBES];
        ByteArrayOutputStream[] bodies = new ByteArrayOutputStream[PROBES];
        long[] sent = new long[1];
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < PROBES; i++) {
                channels[i] = SocketChannel.open(address);
                channels[i].configureBlocking(false);
                bodies[i] = new ByteArrayOutputStream();
            }
            sent[0] = System.nanoTime();
            for (int i = 0; i < PROBES; i++) {
                starts[i] = System.nanoTime();
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    channels[i].write(out);
                }
                channels[i].register(selector, SelectionKey.OP_READ, i);
            }
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            int open = PROBES;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (open > 0 && System.nanoTime() < deadline) {
                selector.select(1_000);
                for (SelectionKey key : selector.selectedKeys()) {
                    int n = (Integer) key.attachment();
                    in.clear();
                    int read = channels[n].read(in);
                    if (read > 0) {
                        bodies[n].write(in.array(), 0, read);
                    } else if (read < 0) {
                        ends[n] = System.nanoTime();
                        millis[n] = TimeUnit.NANOSECONDS.toMillis(ends[n] - starts[n]);
                        String head = bodies[n].toString(StandardCharsets.US_ASCII);
                        statuses[n] = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
                        key.cancel();
                        channels[n].close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (SocketChannel c : channels) {
                if (c != null) {
                    c.close();
                }
            }
        }
        for (int i = 0; i < PROBES; i++) {
            if (ends[i] == 0) {
                millis[i] = Long.MAX_VALUE;
            }
        }
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStart);
        int unexpected = 0;
        for (int s : statuses) {
            if (s != expectedStatus) {
                unexpected++;
            }
        }
        Arrays.sort(millis);
        if (!print) {
            return true;
        }
        long max = millis[PROBES - 1];
        boolean ok = max <= boundMs && unexpected == 0;
        System.out.printf(
                Locale.ROOT,
                "%-32s min %5d ms  p50 %5d ms  p99 %5d ms  max %5d ms  (round incl. connects"
                        + " %5d ms)  status!=%d: %d  %s%n",
                name,
                millis[0],
                millis[PROBES / 2],
                millis[(int) (PROBES * 0.99) - 1],
                max,
                wall,
                expectedStatus,
                unexpected,
                boundMs == Long.MAX_VALUE ? "" : ok ? "ok" : "OVER BOUND");
        if (checkStarted != null && checkStarted.get() != 0) {
            long lastEnd = Arrays.stream(ends).max().orElse(0);
            System.out.printf(
                    Locale.ROOT,
                    "%-32s hanging check started %d ms after the probes were sent; last response"
                            + " %d ms after its %d ms timeout expired%n",
                    "",
                    TimeUnit.NANOSECONDS.toMillis(checkStarted.get() - sent[0]),
                    TimeUnit.NANOSECONDS.toMillis(lastEnd - checkStarted.get()) - TIMEOUT.toMillis(),
                    TIMEOUT.toMillis());
        }
        return ok;
    }
}
