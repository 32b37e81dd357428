package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class GatewayProxyTest extends GatewayTestSupport {

    @Test
    void forwardsMethodPathQueryAndBodyToTheRoutedService() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/users/42/orders?sort=desc&limit=5")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        TestUpstream.Received received = upstream.take();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.rawPath()).isEqualTo("/api/v1/users/42/orders");
        assertThat(received.rawQuery()).isEqualTo("sort=desc&limit=5");
        assertThat(received.bodyText()).isEqualTo("{\"item\":\"book\"}");
        assertThat(received.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void returnsTheUpstreamStatusHeadersAndBody() throws Exception {
        HttpResponse<String> response = get("/api/v1/users/7?status=201");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Upstream")).hasValue("yes");
        assertThat(response.body()).isEqualTo("echo GET /api/v1/users/7");
    }

    @Test
    void streamsALargeResponseBodyIntact() throws Exception {
        HttpResponse<byte[]> response =
                http.send(authorized("/api/v1/users/files/big").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(4 * 1024 * 1024);
        assertThat(response.body()[1_000_000]).isEqualTo((byte) ('a' + 1_000_000 % 26));
    }

    @Test
    void unknownServiceIsNotFoundAsJson() throws Exception {
        HttpResponse<String> response = get("/api/v1/nosuchservice/1");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"error\":\"not_found\"");
    }

    @Test
    void refusedUpstreamIsBadGatewayWithoutInternalAddressInTheBody() throws Exception {
        HttpResponse<String> response = get("/api/v1/down/anything");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .contains("\"error\":\"upstream_unavailable\"")
                .doesNotContain("127.0.0.1")
                .doesNotContain("Connection refused");
    }

    @Test
    void upstreamSlowerThanTheRouteTimeoutIsGatewayTimeout() throws Exception {
        HttpResponse<String> response = get("/api/v1/slow/report");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("\"error\":\"upstream_timeout\"").doesNotContain("127.0.0.1");
    }

    @Test
    void correlationIdFromTheClientIsPropagatedUpstreamAndReturned() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/users/1").header("X-Correlation-Id", "req-123"));

        assertThat(upstream.take().header("X-Correlation-Id")).isEqualTo("req-123");
        assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue("req-123");
    }

    @Test
    void correlationIdIsCreatedWhenMissingOrMalformed() throws Exception {
        HttpResponse<String> response =
                send(authorized("/api/v1/users/1").header("X-Correlation-Id", "bad id <script>"));

        String forwarded = upstream.take().header("X-Correlation-Id");
        assertThat(forwarded).matches("[0-9a-f-]{36}");
        assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue(forwarded);
    }

    @Test
    void traceparentContinuesTheCallersTraceWithANewSpan() throws Exception {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        send(authorized("/api/v1/users/1").header("traceparent", incoming));

        String forwarded = upstream.take().header("traceparent");
        assertThat(forwarded)
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
                .endsWith("-01")
                .isNotEqualTo(incoming);
    }

    @Test
    void traceparentIsCreatedWhenMissing() throws Exception {
        get("/api/v1/users/1");

        assertThat(upstream.take().header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    }

    @Test
    void forwardedHeadersFromAnUntrustedClientAreReplaced() throws Exception {
        send(authorized("/api/v1/users/1")
                .header("X-Forwarded-For", "10.9.9.9")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Proto", "https")
                .header("Forwarded", "for=10.9.9.9")
                .header("X-Real-IP", "10.9.9.9"));

        TestUpstream.Received received = upstream.take();
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + gateway.port());
        assertThat(received.header("Forwarded")).isNull();
        assertThat(received.header("X-Real-IP")).isNull();
    }

    @Test
    void hopByHopRequestHeadersAreRemoved() throws Exception {
        String response = rawResponse("GET /api/v1/users/1 HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                + "Connection: keep-alive, X-Private-Hop\r\nX-Private-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
                + "TE: trailers\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                + "X-Kept: yes\r\nContent-Length: 0\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200");
        TestUpstream.Received received = upstream.take();
        assertThat(received.header("X-Kept")).isEqualTo("yes");
        assertThat(received.header("X-Private-Hop")).isNull();
        assertThat(received.header("Keep-Alive")).isNull();
        assertThat(received.header("TE")).isNull();
        assertThat(received.header("Proxy-Authorization")).isNull();
    }

    @Test
    void hopByHopResponseHeadersAreRemoved() throws Exception {
        HttpResponse<String> response = get("/api/v1/users/hop");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Upstream")).hasValue("yes");
        assertThat(response.headers().firstValue("X-Hop-Secret")).isEmpty();
        assertThat(response.headers().firstValue("Keep-Alive")).isEmpty();
        assertThat(response.headers().firstValue("Proxy-Authenticate")).isEmpty();
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
