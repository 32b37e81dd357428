import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's load client (benchmarks/soak/run-soak.sh): an open-loop driver at a FIXED request rate (a request is
 * sent every 1/rate seconds whatever the answers do; at most MAX_IN_FLIGHT outstanding, the rest counted as
 * "skipped"), printing one line every 30 s and a summary at the end. Run with the JDK's source launcher:
 *
 * <pre>
 * java benchmarks/soak/SoakLoad.java gateway        BASE_URL RATE SECONDS TOKEN
 *      authenticated GET BASE_URL/api/v1/users/{1..1000} with "Authorization: Bearer TOKEN"
 * java benchmarks/soak/SoakLoad.java tenant-service BASE_URL RATE SECONDS TENANTS
 *      the identity headers the gateway sets (X-Tenant-Id, X-User-Id, X-Roles: admin) for TENANTS random tenants;
 *      per 20 requests: 1 POST /api/v1/users (unique email), 2 GET /api/v1/users?limit=20, 17 GET /api/v1/users/{id}
 *      of a user created earlier in the same tenant
 * </pre>
 *
 * Benchmark-only; not part of the build (the benchmarks module compiles src/ only).
 */
public final class SoakLoad {
    private static final int MAX_IN_FLIGHT = 256;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private long[] window = new long[1 << 16];
    private int windowSize;

    private synchronized void latency(long micros) {
        if (windowSize == window.length) {
            window = Arrays.copyOf(window, window.length * 2);
        }
        window[windowSize++] = micros;
    }

    private synchronized long[] drain() {
        long[] out = Arrays.copyOf(window, windowSize);
        windowSize = 0;
        return out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SoakLoad gateway|tenant-service BASE_URL RATE SECONDS TOKEN|TENANTS");
            System.exit(2);
        }
        new SoakLoad().run(args[0], args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), args[4]);
    }

    private void run(String mode, String base, int rate, long seconds, String last) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2))
                .build();
        boolean gateway = mode.equals("gateway");
        if (!gateway && !mode.equals("tenant-service")) {
            throw new IllegalArgumentException("mode must be gateway or tenant-service, was " + mode);
        }
        int tenantCount = gateway ? 0 : Integer.parseInt(last);
        String[] tenants = new String[tenantCount];
        List<List<String>> ids = new ArrayList<>();
        for (int t = 0; t < tenantCount; t++) {
            tenants[t] = UUID.randomUUID().toString();
            List<String> known = new CopyOnWriteArrayList<>();
            ids.add(known);
            for (int i = 0; i < 10; i++) { // a few users per tenant before the paced load starts
                HttpResponse<String> r = client.send(create(base, tenants[t]), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("seed create answered " + r.statusCode() + ": " + r.body());
                }
                remember(r.body(), known);
            }
        }
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long nextReport = start + 30_000_000_000L;
        long[] before = new long[5];
        for (long i = 0; ; i++) {
            long due = start + i * period;
            if (due >= end) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (now >= nextReport) {
                report((now - start) / 1_000_000_000L, before);
                nextReport += 30_000_000_000L;
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                skipped.incrementAndGet();
                continue;
            }
            HttpRequest request;
            List<String> known = null;
            if (gateway) {
                request = HttpRequest.newBuilder(URI.create(base + "/api/v1/users/" + (1 + i % 1000)))
                        .header("Authorization", "Bearer " + last)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
            } else {
                int t = (int) (i % tenantCount);
                int slot = (int) ((i / tenantCount) % 20);
                if (slot == 0) {
                    request = create(base, tenants[t]);
                    known = ids.get(t);
                } else if (slot <= 2) {
                    request = identity(HttpRequest.newBuilder(URI.create(base + "/api/v1/users?limit=20")), tenants[t])
                            .GET()
                            .build();
                } else {
                    List<String> k = ids.get(t);
                    String id = k.get(ThreadLocalRandom.current().nextInt(k.size()));
                    request = identity(HttpRequest.newBuilder(URI.create(base + "/api/v1/users/" + id)), tenants[t])
                            .GET()
                            .build();
                }
            }
            send(client, request, known);
        }
        while (inFlight.get() > 0 && System.nanoTime() < end + 10_000_000_000L) {
            Thread.sleep(50);
        }
        report((System.nanoTime() - start) / 1_000_000_000L, before);
        System.out.printf(
                "total: sent %d, 2xx %d, non-2xx %d, failed %d, skipped (over %d in flight) %d, rate asked %d/s, achieved %.1f/s%n",
                sent.get(), ok.get(), non2xx.get(), failed.get(), MAX_IN_FLIGHT, skipped.get(), rate,
                sent.get() / (double) seconds);
        System.exit(0);
    }

    private void send(HttpClient client, HttpRequest request, List<String> known) {
        sent.incrementAndGet();
        inFlight.incrementAndGet();
        long t0 = System.nanoTime();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            latency((System.nanoTime() - t0) / 1000);
            if (e != null) {
                failed.incrementAndGet();
            } else if (r.statusCode() / 100 == 2) {
                ok.incrementAndGet();
                if (known != null) {
                    remember(r.body(), known);
                }
            } else {
                non2xx.incrementAndGet();
            }
        });
    }

    private static void remember(String body, List<String> known) {
        Matcher m = ID.matcher(body);
        if (m.find() && known.size() < 5000) {
            known.add(m.group(1));
        }
    }

    private static HttpRequest create(String base, String tenant) {
        String email = "soak-" + UUID.randomUUID() + "@soak.example";
        return identity(HttpRequest.newBuilder(URI.create(base + "/api/v1/users")), tenant)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"displayName\":\"Soak User\"}"))
                .build();
    }

    private static HttpRequest.Builder identity(HttpRequest.Builder b, String tenant) {
        return b.header("X-Tenant-Id", tenant)
                .header("X-User-Id", "soak-admin")
                .header("X-Roles", "admin")
                .timeout(Duration.ofSeconds(10));
    }

    private void report(long elapsed, long[] before) {
        long[] now = {sent.get(), ok.get(), non2xx.get(), failed.get(), skipped.get()};
        long[] lat = drain();
        Arrays.sort(lat);
        String p50 = lat.length == 0 ? "-" : String.format("%.2f", lat[lat.length / 2] / 1000.0);
        String p99 = lat.length == 0 ? "-" : String.format("%.2f", lat[(int) (lat.length * 0.99)] / 1000.0);
        System.out.printf(
                "t=%5ds sent %6d  2xx %6d  non-2xx %4d  failed %4d  skipped %4d  p50 %s ms  p99 %s ms%n",
                elapsed, now[0] - before[0], now[1] - before[1], now[2] - before[2], now[3] - before[3],
                now[4] - before[4], p50, p99);
        System.arraycopy(now, 0, before, 0, now.length);
    }
}
