package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circuit breaking per route against an upstream that can be made to fail, and retries against one that
 * drops connections. Breaker settings: 50 % of at least 6 calls in a 5 s window opens it for 1 s, then
 * 2 probe calls decide.
 */
class GatewayCircuitBreakerTest {

    private static final int MIN_CALLS = 6;

    private static HttpServer flaky;
    private static volatile int flakyStatus = 200;
    private static final AtomicInteger flakyCalls = new AtomicInteger();
    private static DroppingUpstream dropping;
    private static ApiGateway gateway;
    private static HttpClient http;

    /** Accepts connections and closes the first {@code drops} of them without answering; answers the rest. */
    static final class DroppingUpstream implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        volatile int drops;

        DroppingUpstream() throws IOException {
            socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket s = socket.accept()) {
                                int n = connections.incrementAndGet();
                                InputStream in = s.getInputStream();
                                byte[] buffer = new byte[8192];
                                StringBuilder head = new StringBuilder();
                                int r;
                                while (head.indexOf("\r\n\r\n") < 0 && (r = in.read(buffer)) > 0) {
                                    head.append(new String(buffer, 0, r, StandardCharsets.ISO_8859_1));
                                }
                                if (n <= drops) {
                                    continue; // close without a response
                                }
                                OutputStream out = s.getOutputStream();
                                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                        .getBytes(StandardCharsets.ISO_8859_1));
                                out.flush();
                            } catch (IOException e) {
                                // closed
                            }
                        }
                    },
                    "dropping-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        flaky.setExecutor(Executors.newFixedThreadPool(4));
        flaky.createContext("/", exchange -> {
            flakyCalls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "flaky".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(flakyStatus, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        flaky.start();
        dropping = new DroppingUpstream();
        gateway = ApiGateway.start(GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("flaky", "http://127.0.0.1:" + flaky.getAddress().getPort())
                // one route per retry test, so that their failures never add up in one route's breaker
                .route("dropping", dropping.baseUrl())
                .route("dropping-bounded", dropping.baseUrl())
                .route("dropping-body", dropping.baseUrl())
                .route("dropping-post", dropping.baseUrl())
                .jwtSecret(GatewayTestSupport.SECRET)
                .jwtIssuer(GatewayTestSupport.ISSUER)
                .jwtAudience(GatewayTestSupport.AUDIENCE)
                .circuitBreakerWindow(Duration.ofSeconds(5))
                .circuitBreakerMinimumCalls(MIN_CALLS)
                .circuitBreakerFailureRate(50)
                .circuitBreakerOpenDuration(Duration.ofSeconds(1))
                .circuitBreakerHalfOpenCalls(2)
                .retries(1)
                .retryBackoff(Duration.ofMillis(20))
                .build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (flaky != null) {
            flaky.stop(0);
        }
        if (dropping != null) {
            dropping.close();
        }
    }

    private static HttpResponse<String> call(String method, String path, HttpRequest.BodyPublisher body)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(gateway.uri() + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + GatewayTestSupport.token("alice", "acme", List.of()))
                        .method(method, body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    private static String managementGet(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(gateway.managementUri() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void aFailingUpstreamOpensTheBreakerWhichProbesHalfOpenAndClosesAfterRecovery() throws Exception {
        flakyStatus = 503;
        int sent = 0;
        HttpResponse<String> shortCircuited = null;
        while (sent < MIN_CALLS * 3 && shortCircuited == null) {
            HttpResponse<String> response = get("/api/v1/flaky/x");
            sent++;
            if (response.body().contains("circuit_open")) {
                shortCircuited = response;
            }
        }
        assertThat(shortCircuited).as("the breaker opened").isNotNull();
        assertThat(sent)
                .as("within its window, right after the minimum number of calls")
                .isEqualTo(MIN_CALLS + 1);
        assertThat(shortCircuited.statusCode()).isEqualTo(503);
        assertThat(shortCircuited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(shortCircuited.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(shortCircuited.body()).contains("\"status\":503");
        int reachedUpstream = flakyCalls.get();
        assertThat(get("/api/v1/flaky/x").statusCode()).isEqualTo(503);
        assertThat(flakyCalls.get())
                .as("an open breaker does not call the upstream")
                .isEqualTo(reachedUpstream);
        assertThat(managementGet("/health")).contains("circuit breaker of route 'flaky' is open");
        assertThat(managementGet("/metrics"))
                .containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*name=\"flaky\"[^}]*state=\"open\"[^}]*} 1.0");

        flakyStatus = 200;
        Thread.sleep(1100);
        HttpResponse<String> probe = get("/api/v1/flaky/x");

        assertThat(probe.statusCode()).as("half-open lets a probe through").isEqualTo(200);
        assertThat(flakyCalls.get()).isEqualTo(reachedUpstream + 1);
        assertThat(managementGet("/health")).contains("\"circuitBreaker\":\"HALF_OPEN\"");
        assertThat(get("/api/v1/flaky/x").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(managementGet("/health")).contains("\"circuitBreaker\":\"CLOSED\""));
        assertThat(get("/api/v1/flaky/x").statusCode()).isEqualTo(200);
    }

    @Test
    void anIdempotentRequestIsRetriedOnceWhenTheConnectionDropsBeforeAnyResponse() throws Exception {
        dropping.connections.set(0);
        dropping.drops = 1;

        HttpResponse<String> response = get("/api/v1/dropping/x");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(dropping.connections.get()).isEqualTo(2);
    }

    @Test
    void retriesAreBounded() throws Exception {
        dropping.connections.set(0);
        dropping.drops = 100;

        HttpResponse<String> response = get("/api/v1/dropping-bounded/x");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(dropping.connections.get()).as("one attempt and one retry").isEqualTo(2);
    }

    @Test
    void aRequestWithABodyIsNeverRetried() throws Exception {
        dropping.connections.set(0);
        dropping.drops = 1;

        HttpResponse<String> response =
                call("PUT", "/api/v1/dropping-body/x", HttpRequest.BodyPublishers.ofString("{}"));

        assertThat(response.statusCode()).isEqualTo(502);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(dropping.connections.get()).isEqualTo(1));
    }

    @Test
    void aNonIdempotentRequestIsNeverRetried() throws Exception {
        dropping.connections.set(0);
        dropping.drops = 1;

        HttpResponse<String> response = call("POST", "/api/v1/dropping-post/x", HttpRequest.BodyPublishers.noBody());

        assertThat(response.statusCode()).isEqualTo(502);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(dropping.connections.get()).isEqualTo(1));
    }
}
