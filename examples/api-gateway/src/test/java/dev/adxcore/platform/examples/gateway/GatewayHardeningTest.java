package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayHardeningTest extends GatewayTestSupport {

    /**
     * Each path tries to leave {@code users} for {@code down} or reach something else. The gateway must
     * either reject it (400) or forward a path that the upstream sees inside {@code /api/v1/users/}.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/users/../down/x",
                "/api/v1/users/./../down/x",
                "/api/v1/users/%2e%2e/down/x",
                "/api/v1/users/%2E%2E/down/x",
                "/api/v1/users/.%2e/down/x",
                "/api/v1/users/..%2fdown%2fx",
                "/api/v1/users/%2e%2e%2fdown%2fx",
                "/api/v1/users/%252e%252e/down/x",
                "/api/v1/users/%252e%252e%252fdown",
                "/api/v1/users/..;/down/x",
                "/api/v1/users;x=1/../down/x",
                "/api/v1/users/x;jsessionid=1",
                "/api/v1/users/..\\down\\x",
                "/api/v1/users/%5c..%5cdown",
                "/api/v1/users/%00/x",
                "/api/v1/users/%c0%ae%c0%ae/down",
                "/api/v1/users/%",
                "/api/v1/users/%zz",
                "/api/v1/%75sers/../down/x",
                "/api/v1/users//..//down/x",
            })
    void traversalAttemptsAreRejectedOrStayInsideTheService(String path) throws Exception {
        String response =
                rawResponse("GET " + path + " HTTP/1.1\r\nHost: gw\r\n" + authHeader() + "Connection: close\r\n\r\n");
        int status = Integer.parseInt(response.split(" ", 3)[1]);

        if (status == 400) {
            assertThat(upstream.poll()).as("nothing forwarded for %s", path).isNull();
        } else {
            assertThat(status).as("status for %s", path).isEqualTo(200);
            String forwarded = upstream.take().rawPath();
            assertThat(forwarded)
                    .startsWith("/api/v1/users/")
                    .doesNotContain("..")
                    .doesNotContain("/./")
                    .doesNotContainIgnoringCase("%2f")
                    .doesNotContainIgnoringCase("%5c")
                    .doesNotContain("%25");
        }
    }

    @Test
    void doubleSlashesAreCollapsedAndTheNormalisedPathIsForwarded() throws Exception {
        assertThat(rawStatus("GET /api/v1//users///a//b HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                        + "Connection: close\r\n\r\n"))
                .isEqualTo(200);

        assertThat(upstream.take().rawPath()).isEqualTo("/api/v1/users/a/b");
    }

    @Test
    void encodedCharactersAreDecodedOnceAndForwardedReEncoded() throws Exception {
        assertThat(rawStatus("GET /api/v1/users/caf%C3%A9%20menu HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                        + "Connection: close\r\n\r\n"))
                .isEqualTo(200);

        assertThat(upstream.take().rawPath()).isEqualTo("/api/v1/users/caf%C3%A9%20menu");
    }

    @Test
    void requestWithBothContentLengthAndTransferEncodingIsRejected() throws Exception {
        String body = "5\r\nhello\r\n0\r\n\r\n";
        int status = rawStatus("POST /api/v1/users/1 HTTP/1.1\r\nHost: gw\r\n" + authHeader() + "Content-Length: "
                + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);

        assertThat(status).isEqualTo(400);
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void bareCarriageReturnInAHeaderValueIsRejected() throws Exception {
        int status = rawStatus("GET /api/v1/users/1 HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                + "X-Note: a\rX-Tenant-Id: victim\r\n\r\n");

        assertThat(status).isEqualTo(400);
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void bodyDeclaredLargerThanTheLimitIsRejected() throws Exception {
        HttpResponse<String> response = send(authorized("/api/v1/users/upload")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat((int) BODY_LIMIT + 1))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(upstream.poll()).isNull();
    }

    @Test
    void chunkedBodyGrowingPastTheLimitIsRejected() throws Exception {
        String chunk = "y".repeat(600);
        String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        int status = rawStatus("POST /api/v1/users/upload HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked);

        assertThat(status).isEqualTo(413);
    }

    @Test
    void bodyWithinTheLimitIsStreamedToTheUpstream() throws Exception {
        String chunk = "z".repeat(400);
        String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        int status = rawStatus("POST /api/v1/users/upload HTTP/1.1\r\nHost: gw\r\n" + authHeader()
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked);

        assertThat(status).isEqualTo(200);
        assertThat(upstream.take().bodyText()).isEqualTo(chunk + chunk);
    }

    @Test
    void gatewayStaysHealthyAfterAbuse() throws Exception {
        rawResponse("GET /api/v1/users/%2e%2e/down HTTP/1.1\r\nHost: gw\r\n\r\n");
        rawResponse(
                "POST /api/v1/users/1 HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        rawResponse("GARBAGE\r\n\r\n");
        get("/api/v1/down/x");
        get("/api/v1/slow/x");
        send(request("/api/v1/users/1").header("Authorization", "Bearer nonsense"));

        assertThat(send(request("/health/live")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/users/after").statusCode()).isEqualTo(200);
    }
}
