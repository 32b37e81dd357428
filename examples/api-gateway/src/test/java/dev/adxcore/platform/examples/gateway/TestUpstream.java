package dev.adxcore.platform.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real local HTTP server standing in for a platform service. It records every request it receives
 * and answers by path:
 * <ul>
 *   <li>{@code .../slow...} waits 3 s before answering 200;</li>
 *   <li>{@code .../big} answers a 4 MiB body;</li>
 *   <li>{@code .../hop} answers with hop-by-hop response headers;</li>
 *   <li>{@code /jwks.json} answers the JWKS set with {@link #jwks(String)} (and counts fetches);</li>
 *   <li>anything else answers 200 {@code echo} with header {@code X-Upstream: yes} and status from
 *       the query parameter {@code status} if given.</li>
 * </ul>
 */
final class TestUpstream implements AutoCloseable {

    /** What the upstream received. */
    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(",", values);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private volatile String jwks = "{\"keys\":[]}";

    TestUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    void jwks(String json) {
        this.jwks = json;
    }

    int jwksFetches() {
        return jwksFetches.get();
    }

    /** Forgets what was received so far. */
    void clear() {
        received.clear();
    }

    /**
     * @return the next request received, waiting up to 5 s
     */
    Received take() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the upstream received no request");
        }
        return r;
    }

    /** @return the next request if one arrives within 300 ms, else null */
    Received poll() throws InterruptedException {
        return received.poll(300, TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/jwks.json")) {
            jwksFetches.incrementAndGet();
            respond(exchange, 200, jwks.getBytes(StandardCharsets.UTF_8), "application/json");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        received.add(new Received(
                exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), headers, body));
        if (path.contains("/slow")) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (path.endsWith("/big")) {
            byte[] big = new byte[4 * 1024 * 1024];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) ('a' + i % 26);
            }
            respond(exchange, 200, big, "application/octet-stream");
            return;
        }
        if (path.endsWith("/hop")) {
            exchange.getResponseHeaders().add("X-Hop-Secret", "internal");
            exchange.getResponseHeaders().add("Connection", "X-Hop-Secret");
            exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
            exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"internal\"");
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        }
        exchange.getResponseHeaders().add("X-Upstream", "yes");
        int status = 200;
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.startsWith("status=")) {
            status = Integer.parseInt(query.substring(7));
        }
        respond(
                exchange,
                status,
                ("echo " + exchange.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8),
                "text/plain");
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, String type) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
