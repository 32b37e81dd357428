package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.core.JsonStrings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler replaced by a JSON one: requests Jetty itself rejects (malformed request line,
 * Content-Length together with Transfer-Encoding, ambiguous URIs, oversized headers) get the same
 * {@code {"status":..,"error":..}} shape as the gateway's own errors, never a stack trace or HTML page.
 * Thread-safe.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object attribute = request.getAttribute(ERROR_STATUS);
        int status = attribute instanceof Integer code ? code : response.getStatus();
        if (status < 400) {
            status = 500;
        }
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, body(status), callback);
        return true;
    }

    private static ByteBuffer body(int status) {
        String reason = HttpStatus.getMessage(status);
        StringBuilder out =
                new StringBuilder(64).append("{\"status\":").append(status).append(",\"error\":");
        JsonStrings.appendQuoted(
                out,
                reason == null
                        ? "error"
                        : reason.toLowerCase(java.util.Locale.ROOT).replace(' ', '_'));
        out.append('}');
        return ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
