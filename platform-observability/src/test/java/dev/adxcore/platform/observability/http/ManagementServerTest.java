package dev.adxcore.platform.observability.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HealthRegistry health =
            HealthRegistry.builder().discoverServiceLoaderChecks(false).build();
    private ManagementServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        health.close();
    }

    private ManagementServer start() {
        server = ManagementServer.builder()
                .port(0)
                .healthRegistry(health)
                .build()
                .start();
        return server;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri().resolve(path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
    }

    private static HealthCheck sleeping(String name, long millis) {
        return HealthCheck.critical(name, () -> {
            Thread.sleep(millis);
            return HealthResult.up();
        });
    }

    @Test
    void checksRunInParallelSoTheReportTakesAboutTheSlowestCheck() throws Exception {
        for (int i = 0; i < 4; i++) {
            health.register(sleeping("slow-" + i, 1_000));
        }
        start();
        long started = System.nanoTime();
        HttpResponse<String> response = get("/health/ready");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"status\":\"UP\"");
        // sequential checks would take 4 x 1000 = 4000 ms
        assertThat(tookMs).isLessThan(3_000);
    }

    @Test
    void hangingCheckTimesOutAndEndpointAnswersOnTime() throws Exception {
        health.close();
        health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .defaultTimeout(Duration.ofMillis(500))
                .build();
        health.register(sleeping("hangs", 600_000));
        health.register(HealthCheck.critical("fine", HealthResult::up));
        start();
        long started = System.nanoTime();
        HttpResponse<String> response = get("/health/ready");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body())
                .contains(
                        "\"hangs\":{\"status\":\"DOWN\"",
                        "\"error\":\"timed out after 500ms\"",
                        "\"fine\":{\"status\":\"UP\"");
        // far below the check's 10-minute sleep: the endpoint did not wait for the hung check
        assertThat(tookMs).isLessThan(3_000);
    }

    @Test
    void endpointKeepsAnsweringOtherRoutesWhileACheckHangs() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        health.close();
        health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        health.register(HealthCheck.critical("hangs", () -> {
            entered.countDown();
            release.await();
            return HealthResult.up();
        }));
        start();
        CompletableFuture<HttpResponse<String>> ready =
                client.sendAsync(request("/health/ready"), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(get("/health/live").statusCode()).isEqualTo(200);
        }
        assertThat(ready).isNotDone();
        release.countDown();
        assertThat(ready.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void cachedResultIsReusedAcrossProbesWithinTtl() throws Exception {
        health.close();
        health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .cacheTtl(Duration.ofMinutes(5))
                .build();
        AtomicInteger runs = new AtomicInteger();
        health.register(HealthCheck.critical("counted", () -> {
            runs.incrementAndGet();
            return HealthResult.up();
        }));
        start();
        for (int i = 0; i < 10; i++) {
            assertThat(get("/health").statusCode()).isEqualTo(200);
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void cachedResultIsRefreshedAfterTtl() throws Exception {
        health.close();
        health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .cacheTtl(Duration.ofMillis(100))
                .build();
        AtomicInteger runs = new AtomicInteger();
        health.register(HealthCheck.critical("counted", () -> {
            runs.incrementAndGet();
            return HealthResult.up();
        }));
        start();
        get("/health");
        Thread.sleep(300);
        get("/health");
        assertThat(runs).hasValue(2);
    }

    @Test
    void failingNonCriticalCheckAnswers200Degraded() throws Exception {
        health.register(HealthCheck.critical("database.primary", HealthResult::up));
        health.register(HealthCheck.nonCritical("database.replica", () -> HealthResult.down("replica lag 40s")));
        start();
        HttpResponse<String> response = get("/health/ready");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .startsWith("{\"status\":\"DEGRADED\"")
                .contains("\"database.replica\":{\"status\":\"DOWN\",\"critical\":false");
    }

    @Test
    void failingCriticalCheckAnswers503Down() throws Exception {
        health.register(HealthCheck.critical("database.primary", () -> {
            throw new java.net.ConnectException("Connection refused");
        }));
        start();
        HttpResponse<String> response = get("/health/ready");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body())
                .startsWith("{\"status\":\"DOWN\"")
                .contains("java.net.ConnectException: Connection refused");
    }

    @Test
    void livenessStaysUpWhenADependencyFails() throws Exception {
        health.register(HealthCheck.critical("database.primary", () -> HealthResult.down("refused")));
        health.register(new HealthCheck() {
            @Override
            public String name() {
                return "process.heap";
            }

            @Override
            public HealthResult check() {
                return HealthResult.up(Map.of("usedRatio", 0.4));
            }

            @Override
            public boolean isLiveness() {
                return true;
            }
        });
        start();
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body())
                .startsWith("{\"status\":\"UP\"")
                .contains("process.heap")
                .doesNotContain("database.primary");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health").statusCode()).isEqualTo(503);
    }

    @Test
    void unknownPathIs404AndPostIs405() throws Exception {
        start();
        assertThat(get("/healthz").statusCode()).isEqualTo(404);
        assertThat(get("/metrics").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(server.uri().resolve("/health"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void portInUseFailsNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ManagementServer busy =
                    ManagementServer.builder().port(port).healthRegistry(health).build();
            assertThatThrownBy(busy::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("management port " + port + " on 127.0.0.1 is already in use; choose another port"
                            + " (PLATFORM_MANAGEMENT_PORT) or 0 for an ephemeral port");
            busy.close();
        }
    }

    @Test
    void invalidSettingsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> ManagementServer.builder()
                        .port(70_000)
                        .healthRegistry(health)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535 (was 70000); use 0 for an ephemeral port");
        assertThatThrownBy(() -> ManagementServer.builder().port(0).build())
                .hasMessageStartingWith("ManagementServer needs a healthRegistry or a prometheusRegistry");
        assertThatThrownBy(
                        () -> ManagementServer.fromEnvironment(Settings.of(Map.of("PLATFORM_MANAGEMENT_PORT", "http"))))
                .hasMessage("PLATFORM_MANAGEMENT_PORT must be a whole number (was 'http')");
    }

    @Test
    void closedServerStopsListening() throws Exception {
        start();
        URI uri = server.uri();
        assertThat(get("/health").statusCode()).isEqualTo(200);
        server.close();
        assertThatThrownBy(() -> client.send(
                        HttpRequest.newBuilder(uri.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }
}
