package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's spans, with the OTel HTTP semantic conventions and bounded attributes: a {@code SERVER} span per
 * request ({@code <method> <route template>}, parented on the incoming {@code traceparent}; a malformed one is
 * ignored, so the span is a new root) and a {@code CLIENT} span per upstream attempt ({@code <method>}, with the
 * route template as {@code url.template}), whose id is the {@code traceparent} the upstream receives. Raw paths,
 * queries and ids are never recorded. Through the OTel API only: a no-op unless the application installs an SDK.
 * With the OTel Java agent attached neither span is made, because the agent's Jetty server and client
 * instrumentation makes them; the gateway only names the agent's server span for its route (the agent sees Jetty's
 * core handler, which has no routes). Stateless; thread-safe.
 */
final class GatewayTracing {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");

    /** Methods kept as they are; any other is recorded as {@code _OTHER}, as the conventions ask. */
    private static final java.util.Set<String> KNOWN_METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private GatewayTracing() {}

    private static boolean enabled() {
        return !PlatformTracing.agentAttached();
    }

    static String method(String method) {
        return KNOWN_METHODS.contains(method) ? method : "_OTHER";
    }

    /**
     * Starts the server span of a request.
     *
     * @param method the request method
     * @param traceparent the incoming header, may be null or malformed
     * @param tracestate the incoming header, may be null
     * @param scheme http or https
     * @param clientAddress the peer address
     * @return the span (not recording without an SDK; with the agent, the agent's server span, which the gateway
     *     does not end)
     */
    static Span startServer(
            String method,
            @Nullable String traceparent,
            @Nullable String tracestate,
            String scheme,
            String clientAddress) {
        if (!enabled()) {
            return Span.current();
        }
        String m = method(method);
        return PlatformTracing.global()
                .span(m, SpanKind.SERVER, PlatformTracing.extract(traceparent, tracestate))
                .setAttribute(METHOD, m)
                .setAttribute(SCHEME, scheme)
                .setAttribute(CLIENT_ADDRESS, PlatformTracing.bounded(clientAddress))
                .startSpan();
    }

    /**
     * Names the server span for its route, once known.
     *
     * @param span the server span
     * @param method the request method
     * @param routeTemplate the route template, such as {@code /api/v1/users/**}
     */
    static void route(Span span, String method, String routeTemplate) {
        span.updateName(method(method) + " " + routeTemplate);
        span.setAttribute(ROUTE, routeTemplate);
    }

    /**
     * Ends a server span with the response status; 5xx is an error. The agent's span is left to the agent.
     *
     * @param span the span
     * @param status the status code
     */
    static void endServer(Span span, int status) {
        if (!enabled()) {
            return; // the agent's span: the agent records the status and ends it
        }
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /**
     * The trace of a request as the gateway's logs and upstream see it: the server span when the SDK made one,
     * else (no SDK, or the agent's span) a child of the incoming {@code traceparent} or a new root.
     *
     * @param server the server span
     * @param traceparent the incoming header
     * @return the trace
     */
    static TraceParent traceOf(Span server, @Nullable String traceparent) {
        Optional<TraceParent> own =
                server.getSpanContext().isRemote() ? Optional.empty() : PlatformTracing.traceParentOf(server);
        return own.orElseGet(
                () -> TraceParent.parse(traceparent).map(TraceParent::newChild).orElseGet(TraceParent::newRoot));
    }

    /**
     * Starts the client span of one upstream attempt.
     *
     * @param server the request's server span
     * @param method the request method
     * @param routeTemplate the route template
     * @param host the upstream host
     * @param port the upstream port
     * @param attempt the attempt number, from 1
     * @return the span
     */
    static Span startClient(Span server, String method, String routeTemplate, String host, int port, int attempt) {
        if (!enabled()) {
            return Span.getInvalid();
        }
        String m = method(method);
        Span span = PlatformTracing.global()
                .span(m, SpanKind.CLIENT, Context.root().with(server))
                .setAttribute(METHOD, m)
                .setAttribute(URL_TEMPLATE, routeTemplate)
                .setAttribute(SERVER_ADDRESS, PlatformTracing.bounded(host))
                .setAttribute(SERVER_PORT, (long) port)
                .startSpan();
        if (attempt > 1) {
            span.setAttribute(RESEND_COUNT, (long) attempt - 1);
        }
        return span;
    }

    /**
     * The trace headers to send upstream: the client span's {@code traceparent} (and {@code tracestate}) when the
     * SDK made one, else the request's trace.
     *
     * @param client the client span
     * @param trace the request's trace
     * @return header names and values
     */
    static java.util.Map<String, String> outgoing(Span client, TraceParent trace) {
        if (client.getSpanContext().isValid() && !client.getSpanContext().isRemote()) {
            java.util.Map<String, String> headers =
                    PlatformTracing.inject(Context.root().with(client));
            if (!headers.isEmpty()) {
                return headers;
            }
        }
        return java.util.Map.of(TraceParent.HEADER, trace.toHeader());
    }

    /**
     * Ends a client span.
     *
     * @param span the span
     * @param status the upstream's status, or 0 when there was no response
     * @param failure the failure, or null
     */
    static void endClient(Span span, int status, @Nullable Throwable failure) {
        if (status > 0) {
            span.setAttribute(STATUS, (long) status);
        }
        if (failure != null) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR);
        } else if (status >= 400) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
