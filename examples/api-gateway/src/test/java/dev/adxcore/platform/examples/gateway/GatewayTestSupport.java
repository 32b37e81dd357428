package dev.adxcore.platform.examples.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Starts one real upstream and one gateway in front of it for a test class, with routes {@code users}
 * (the upstream), {@code slow} (the upstream, 300 ms timeout) and {@code down} (a port nobody listens
 * on), CORS for {@code https://app.example.com}, a 1 KiB body limit and {@code X-Internal-Debug} as an
 * extra stripped header.
 */
abstract class GatewayTestSupport {

    static final String SECRET = "test-secret-of-at-least-thirty-two-bytes!!";
    static final String ISSUER = "https://idp.test";
    static final String AUDIENCE = "gateway-test";
    static final String ALLOWED_ORIGIN = "https://app.example.com";
    static final long BODY_LIMIT = 1024;

    static TestUpstream upstream;
    static ApiGateway gateway;
    static HttpClient http;

    @BeforeAll
    static void startGateway() throws IOException {
        upstream = new TestUpstream();
        gateway = ApiGateway.start(baseConfig().build());
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.clear();
    }

    static GatewayConfig.Builder baseConfig() throws IOException {
        return GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", upstream.baseUrl())
                .route("slow", upstream.baseUrl(), Duration.ofMillis(300))
                .route("down", "http://127.0.0.1:" + unusedPort())
                .jwtSecret(SECRET)
                .jwtIssuer(ISSUER)
                .jwtAudience(AUDIENCE)
                .corsAllowedOrigins(List.of(ALLOWED_ORIGIN))
                .maxRequestBodyBytes(BODY_LIMIT)
                .strippedHeaders(List.of("X-Internal-Debug"));
    }

    static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String token() {
        return token("alice", "acme", List.of("admin", "reader"));
    }

    static String token(String user, String tenant, List<String> roles) {
        return DevTokens.mint(SECRET, ISSUER, AUDIENCE, user, tenant, roles, Duration.ofMinutes(5));
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.uri() + path)).timeout(Duration.ofSeconds(10));
    }

    /** A request to the management listener (metrics, detailed health). */
    static HttpRequest.Builder management(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.managementUri() + path))
                .timeout(Duration.ofSeconds(10));
    }

    static HttpRequest.Builder authorized(String path) {
        return request(path).header("Authorization", "Bearer " + token());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(authorized(path).GET());
    }

    /**
     * Sends bytes exactly as given on a new connection and returns the status code of the response.
     *
     * @param raw the full request, with CRLF line ends
     * @return the status code, or -1 when the gateway closed the connection without answering
     */
    static int rawStatus(String raw) throws IOException {
        return Integer.parseInt(rawResponse(raw).split(" ", 3)[1]);
    }

    static String rawResponse(String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                response.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                if (response.indexOf("\r\n\r\n") > 0
                        && response.toString().toLowerCase().contains("connection: close")) {
                    break;
                }
                if (complete(response)) {
                    break;
                }
            }
            if (response.length() == 0) {
                return "HTTP/1.1 -1 closed";
            }
            return response.toString();
        }
    }

    private static boolean complete(StringBuilder response) {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = response.substring(0, end).toLowerCase();
        int cl = head.indexOf("content-length:");
        if (cl < 0) {
            return false;
        }
        int lineEnd = head.indexOf("\r\n", cl);
        long length = Long.parseLong(
                head.substring(cl + 15, lineEnd < 0 ? head.length() : lineEnd).trim());
        return response.length() - end - 4 >= length;
    }

    static String authHeader() {
        return "Authorization: Bearer " + token() + "\r\n";
    }
}
