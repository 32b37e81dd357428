package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import dev.adxcore.platform.test.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quotas in a real Redis shared by two gateway instances (as in production: several gateways behind one
 * load balancer), and what happens when Redis stops.
 */
@PlatformTest(replicas = 0)
class GatewayRedisQuotaTest {

    private static TestUpstream upstream;
    private static HttpClient http;

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = new TestUpstream();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(8))
                .build();
    }

    @AfterAll
    static void stopUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private static GatewayConfig.Builder config(RedisServer redis, GatewayConfig.Quota quota) {
        return GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", upstream.baseUrl())
                .jwtSecret(GatewayTestSupport.SECRET)
                .jwtIssuer(GatewayTestSupport.ISSUER)
                .jwtAudience(GatewayTestSupport.AUDIENCE)
                .defaultQuota(quota)
                .quotaRedisUrl(URI.create(redis.uri()))
                .quotaKeyPrefix(redis.key("quota:"))
                // Generous for a loaded shared test machine (a cold JIT makes the first checks slow);
                // the default is 100 ms.
                .quotaRedisTimeout(Duration.ofSeconds(1));
    }

    private static HttpRequest request(ApiGateway gateway, String token) {
        return HttpRequest.newBuilder(URI.create(gateway.uri() + "/api/v1/users/1"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .build();
    }

    @Test
    void twoInstancesShareOneTenantsQuota(RedisServer redis) throws Exception {
        GatewayConfig.Quota quota = new GatewayConfig.Quota(60, Duration.ofHours(1));
        try (ApiGateway first = ApiGateway.start(config(redis, quota).build());
                ApiGateway second = ApiGateway.start(config(redis, quota).build())) {
            String token = GatewayTestSupport.token("alice", "t-shared", List.of());
            Map<Integer, AtomicInteger> okByInstance =
                    new ConcurrentHashMap<>(Map.of(0, new AtomicInteger(), 1, new AtomicInteger()));
            AtomicInteger refused = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    int instance = i % 2;
                    ApiGateway target = instance == 0 ? first : second;
                    calls.add(clients.submit(() -> {
                        int status = http.send(request(target, token), HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        if (status == 200) {
                            okByInstance.get(instance).incrementAndGet();
                        } else if (status == 429) {
                            refused.incrementAndGet();
                        }
                        return status;
                    }));
                }
                for (Future<?> call : calls) {
                    call.get(30, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            int ok = okByInstance.get(0).get() + okByInstance.get(1).get();
            System.out.printf(
                    "shared quota 60/1h over two instances: %d admitted (%d + %d), %d refused%n",
                    ok, okByInstance.get(0).get(), okByInstance.get(1).get(), refused.get());

            // 60 in the bucket; the refill over the test's few seconds adds at most one or two.
            assertThat(ok).isBetween(60, 62);
            assertThat(ok + refused.get()).isEqualTo(120);
            assertThat(okByInstance.get(0).get()).isPositive();
            assertThat(okByInstance.get(1).get()).isPositive();
        }
    }

    /** One tenant's latencies and outcomes over a phase. */
    private record Phase(int sent, int ok, long p50Micros, long p99Micros) {
        double successRate() {
            return sent == 0 ? 0 : (double) ok / sent;
        }
    }

    /** Tenant B at 8 requests/s (its quota is 10/s), alternating instances, for {@code millis}. */
    private static Phase quietTenant(ApiGateway first, ApiGateway second, String token, long millis) throws Exception {
        List<Long> micros = new ArrayList<>();
        int ok = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int i = 0;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            int status = http.send(
                            request(i++ % 2 == 0 ? first : second, token), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            long took = System.nanoTime() - start;
            micros.add(took / 1000);
            if (status == 200) {
                ok++;
            }
            Thread.sleep(Math.max(0, 125 - took / 1_000_000));
        }
        Collections.sort(micros);
        return new Phase(
                micros.size(),
                ok,
                micros.get(micros.size() / 2),
                micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * 0.99) - 1)));
    }

    @Test
    void aTenantBurstingTwentyTimesItsQuotaDoesNotChangeAnotherTenantsSuccessRate(RedisServer redis) throws Exception {
        GatewayConfig.Quota quota = new GatewayConfig.Quota(10, Duration.ofSeconds(1));
        try (ApiGateway first = ApiGateway.start(config(redis, quota).build());
                ApiGateway second = ApiGateway.start(config(redis, quota).build())) {
            String quiet = GatewayTestSupport.token("bob", "t-quiet", List.of());
            String noisy = GatewayTestSupport.token("mallory", "t-noisy", List.of());
            quietTenant(first, second, quiet, 1000); // warm-up of both paths

            Phase alone = quietTenant(first, second, quiet, 4000);

            // Tenant A: 200 requests/s (20x its 10/s quota), spread over both instances, at most 64 in flight,
            // from a client of its own so that B's requests never queue behind A's in the test's client.
            HttpClient burstHttp = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4))
                    .build();
            AtomicInteger burstSent = new AtomicInteger();
            AtomicInteger burstRefused = new AtomicInteger();
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
            var pacer = Executors.newSingleThreadScheduledExecutor();
            var burst = pacer.scheduleAtFixedRate(
                    () -> {
                        if (!inFlight.tryAcquire()) {
                            return;
                        }
                        int n = burstSent.incrementAndGet();
                        burstHttp
                                .sendAsync(
                                        request(n % 2 == 0 ? first : second, noisy),
                                        HttpResponse.BodyHandlers.discarding())
                                .whenComplete((r, e) -> {
                                    if (r != null && r.statusCode() == 429) {
                                        burstRefused.incrementAndGet();
                                    }
                                    inFlight.release();
                                });
                    },
                    0,
                    5000,
                    TimeUnit.MICROSECONDS);
            Phase underBurst;
            try {
                underBurst = quietTenant(first, second, quiet, 4000);
            } finally {
                burst.cancel(false);
                pacer.shutdownNow();
                inFlight.tryAcquire(64, 10, TimeUnit.SECONDS);
            }
            System.out.printf(
                    "tenant B alone:         %d requests, success %.1f %%, p50 %.2f ms, p99 %.2f ms%n",
                    alone.sent(), 100 * alone.successRate(), alone.p50Micros() / 1000.0, alone.p99Micros() / 1000.0);
            System.out.printf(
                    "tenant B during burst:  %d requests, success %.1f %%, p50 %.2f ms, p99 %.2f ms%n",
                    underBurst.sent(),
                    100 * underBurst.successRate(),
                    underBurst.p50Micros() / 1000.0,
                    underBurst.p99Micros() / 1000.0);
            System.out.printf(
                    "tenant A burst:         %d requests in 4 s (%.0f/s), %d refused with 429%n",
                    burstSent.get(), burstSent.get() / 4.0, burstRefused.get());

            assertThat(alone.successRate()).isEqualTo(1.0);
            assertThat(underBurst.successRate())
                    .as("B stays within its own quota")
                    .isEqualTo(1.0);
            assertThat(burstRefused.get()).as("A is throttled").isGreaterThan(burstSent.get() / 2);
            // Latency is reported above, not asserted tightly (timing asserts are noise on a shared machine);
            // this only says that nobody waited for the noisy tenant.
            assertThat(underBurst.p99Micros()).isLessThan(TimeUnit.SECONDS.toMicros(5));
        }
    }

    @Test
    void redisStoppedDuringLoadAppliesTheFailModeWithoutHangingRequests() throws Exception {
        try (RedisServer redis = TestServers.privateRedis()) {
            GatewayConfig.Quota quota = new GatewayConfig.Quota(100_000, Duration.ofMinutes(1));
            try (ApiGateway open = ApiGateway.start(config(redis, quota)
                            .quotaFailMode(GatewayConfig.QuotaFailMode.OPEN)
                            .build());
                    ApiGateway closed = ApiGateway.start(config(redis, quota)
                            .quotaFailMode(GatewayConfig.QuotaFailMode.CLOSED)
                            .build())) {
                String token = GatewayTestSupport.token("alice", "t-outage", List.of());
                assertThat(http.send(request(open, token), HttpResponse.BodyHandlers.discarding())
                                .headers()
                                .firstValue("RateLimit"))
                        .isPresent();

                // Load on both instances across the outage: 4 clients each, every latency recorded.
                AtomicLong slowestMicros = new AtomicLong();
                Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
                CountDownLatch stopLoad = new CountDownLatch(1);
                ExecutorService load = Executors.newFixedThreadPool(8);
                for (int c = 0; c < 8; c++) {
                    ApiGateway target = c % 2 == 0 ? open : closed;
                    load.submit(() -> {
                        while (stopLoad.getCount() > 0) {
                            long start = System.nanoTime();
                            int status = http.send(request(target, token), HttpResponse.BodyHandlers.discarding())
                                    .statusCode();
                            slowestMicros.accumulateAndGet((System.nanoTime() - start) / 1000, Math::max);
                            statuses.computeIfAbsent(status, s -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        return null;
                    });
                }
                Thread.sleep(500);
                redis.stop();
                Thread.sleep(1500);

                HttpResponse<String> admitted = http.send(request(open, token), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> refused = http.send(request(closed, token), HttpResponse.BodyHandlers.ofString());

                stopLoad.countDown();
                load.shutdown();
                assertThat(load.awaitTermination(15, TimeUnit.SECONDS))
                        .as("no request hung")
                        .isTrue();
                System.out.printf(
                        "Redis outage under load: statuses %s, slowest request %.1f ms%n",
                        statuses, slowestMicros.get() / 1000.0);

                assertThat(admitted.statusCode()).as("fail open admits").isEqualTo(200);
                assertThat(admitted.headers().firstValue("RateLimit")).isEmpty();
                assertThat(refused.statusCode()).as("fail closed refuses").isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(refused.body()).contains("\"error\":\"quota_unavailable\"");
                assertThat(statuses.keySet()).containsOnly(200, 503);
                // Every Redis call is bounded by the 100 ms quota timeout; 2 s is slack for a loaded machine.
                assertThat(slowestMicros.get()).isLessThan(TimeUnit.SECONDS.toMicros(2));

                redis.start();
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(
                                        http.send(request(closed, token), HttpResponse.BodyHandlers.discarding())
                                                .headers()
                                                .firstValue("RateLimit"))
                                .as("quota checks resume")
                                .isPresent());
            }
        }
    }
}
