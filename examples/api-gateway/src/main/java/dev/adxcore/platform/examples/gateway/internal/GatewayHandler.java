package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.core.JsonStrings;
import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.MdcScope;
import dev.adxcore.platform.core.PlatformHeaders;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's request pipeline on the Jetty core {@link Handler} API, fully asynchronous: ids and
 * CORS, path validation, the open probes ({@code /health/live}, {@code /health/ready}: status only),
 * size limit, token verification, routing, the tenant's quota, the route's circuit breaker, header
 * rewriting, and a streamed proxy exchange through Jetty's {@link HttpClient} with back-pressure in
 * both directions, retried (idempotent requests without a body only) when the connection to the
 * upstream fails before any response.
 *
 * <p>{@code /metrics} and the detailed {@code /health} are never served here: they live on the
 * management listener ({@code ApiGateway}); on this port they answer 404 like any unrouted path.
 *
 * <p>Thread-safe; one instance serves all requests.
 */
public final class GatewayHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);
    /** The access log; its appender is configured by the application (logback.xml). */
    private static final Logger access = LoggerFactory.getLogger("gateway.access");

    static final String HEALTH = "/health";
    static final String LIVENESS = "/health/live";
    static final String READINESS = "/health/ready";
    static final String METRICS = "/metrics";

    private static final String REALM = "Bearer realm=\"adx-gateway\"";
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-connection",
            "proxy-authorization",
            "proxy-authenticate");
    /** Request headers the gateway always replaces with its own values. */
    private static final Set<String> REPLACED_REQUEST_HEADERS = Set.of(
            "host",
            "expect",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-prefix",
            "forwarded",
            "x-real-ip",
            "x-correlation-id",
            "traceparent",
            "tracestate");

    private static final Pattern FORWARDED_FOR = Pattern.compile("[0-9A-Fa-f.:\\[\\], ]{1,512}");
    private static final Pattern FORWARDED_HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");
    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9-]+( *, *[A-Za-z0-9-]+)*");
    private static final String CORS_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
    private static final String CORS_DEFAULT_HEADERS = "Authorization, Content-Type, X-Correlation-Id, traceparent";
    private static final String RATE_LIMIT = "RateLimit";
    private static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    /** Recorded by a route's breaker for a 502/503/504 answer (no stack trace: it is never thrown). */
    private static final Exception FAILURE_STATUS =
            new Exception("upstream answered 502, 503 or 504", null, false, false) {
                private static final long serialVersionUID = 1L;
            };

    private final GatewayConfig config;
    private final HttpClient client;
    private final TokenVerifier tokens;
    private final TrustedProxies trustedProxies;
    private final Set<String> corsOrigins;
    private final HttpServerMetrics metrics;
    private final HealthRegistry health;
    private final @Nullable Quotas quotas;
    private final @Nullable RouteBreakers breakers;
    private final IntervalFunction backoff;
    private final java.util.Map<String, Upstream> upstreams = new java.util.HashMap<>();

    /** A route's upstream, parsed once: scheme, host and port as a URI, and the base path without a final '/'. */
    private static final class Upstream {
        final java.net.URI uri;
        final String basePath;

        Upstream(java.net.URI base) {
            int port = base.getPort() > 0 ? base.getPort() : base.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            this.uri = java.net.URI.create(base.getScheme().toLowerCase(Locale.ROOT) + "://"
                    + base.getRawAuthority().replaceFirst(":\\d+$", "") + ":" + port);
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }
    }

    /**
     * @param config the configuration
     * @param client the started upstream client (redirects, cookies and content decoding off)
     * @param registry where request metrics are recorded
     * @param health the registry whose liveness and readiness status the open probes report
     * @param quotas the quotas, or null when no route has one
     * @param breakers the routes' circuit breakers, or null when they are off
     */
    public GatewayHandler(
            GatewayConfig config,
            HttpClient client,
            MeterRegistry registry,
            HealthRegistry health,
            @Nullable Quotas quotas,
            @Nullable RouteBreakers breakers) {
        this.config = config;
        this.client = client;
        this.tokens = new TokenVerifier(config);
        this.trustedProxies = new TrustedProxies(config.trustedProxies());
        this.corsOrigins = Set.copyOf(config.corsAllowedOrigins());
        this.health = health;
        this.quotas = quotas;
        this.breakers = breakers;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                config.retryBackoff().toMillis(), 2.0, 0.5);
        config.routes().values().forEach(r -> upstreams.put(r.name(), new Upstream(r.baseUri())));
        List<String> templates = new java.util.ArrayList<>(List.of(LIVENESS, READINESS));
        config.routes().values().forEach(r -> templates.add(r.template()));
        this.metrics = HttpServerMetrics.builder(registry).routes(templates).build();
    }

    /** Per-request state, written by one thread at a time. */
    private static final class Exchange {
        final String method;
        final String correlationId;
        final TraceParent trace;
        final HttpServerMetrics.Sample sample;
        final String clientAddress;
        /** The request's SERVER span (not recording without an SDK). */
        final Span span;

        @Nullable
        String routeTemplate;

        @Nullable
        String path;

        @Nullable
        Identity identity;

        @Nullable
        String corsOrigin;

        @Nullable
        String failureReason;

        @Nullable
        String rateLimit;

        @Nullable
        String rateLimitPolicy;

        long deadlineNanos;
        int attempt;

        Exchange(
                String method,
                String correlationId,
                TraceParent trace,
                HttpServerMetrics.Sample sample,
                String clientAddress,
                Span span) {
            this.span = span;
            this.method = method;
            this.correlationId = correlationId;
            this.trace = trace;
            this.sample = sample;
            this.clientAddress = clientAddress;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpFields headers = request.getHeaders();
        String traceparent = headers.get(TraceParent.HEADER);
        String clientAddress = Request.getRemoteAddr(request);
        Span span = GatewayTracing.startServer(
                request.getMethod(),
                traceparent,
                headers.get("tracestate"),
                request.isSecure() ? "https" : "http",
                clientAddress);
        Exchange ex = new Exchange(
                request.getMethod(),
                PlatformHeaders.correlationIdOrNew(headers.get(PlatformHeaders.CORRELATION_ID)),
                GatewayTracing.traceOf(span, traceparent),
                metrics.start(),
                clientAddress,
                span);
        Callback done = Callback.from(
                () -> {
                    finish(ex, response.getStatus());
                    callback.succeeded();
                },
                failure -> {
                    finish(ex, response.isCommitted() ? response.getStatus() : 500);
                    callback.failed(failure);
                });
        try {
            dispatch(request, response, done, ex);
        } catch (RuntimeException e) {
            log.error("unexpected failure handling a request", e);
            if (response.isCommitted()) {
                done.failed(e);
            } else {
                writeError(response, done, ex, 500, "internal_error", "the gateway failed to handle the request");
            }
        }
        return true;
    }

    private void dispatch(Request request, Response response, Callback done, Exchange ex) {
        HttpFields headers = request.getHeaders();
        response.getHeaders().put(PlatformHeaders.CORRELATION_ID, ex.correlationId);

        String origin = headers.get(HttpHeader.ORIGIN);
        if (origin != null && corsOrigins.contains(origin)) {
            ex.corsOrigin = origin;
            addCorsHeaders(response, origin);
        }

        RequestPath path;
        try {
            path = RequestPath.parse(request.getHttpURI().getPath());
        } catch (RequestPath.InvalidPathException e) {
            ex.failureReason = e.getMessage();
            writeError(response, done, ex, 400, "invalid_path", "the request path is not allowed");
            return;
        }
        String decoded = path.decoded();
        ex.path = decoded;
        GatewayConfig.Route route = routeOf(path);
        ex.routeTemplate = route != null ? route.template() : null;

        if (origin != null
                && ex.method.equals("OPTIONS")
                && headers.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
            preflight(request, response, done, ex);
            return;
        }
        if (decoded.equals(LIVENESS) || decoded.equals(READINESS)) {
            probe(decoded, response, done, ex);
            return;
        }
        if (decoded.equals(HEALTH) || decoded.startsWith(HEALTH + "/") || decoded.equals(METRICS)) {
            // Served on the management listener only: here the same answer as any unrouted path.
            ex.routeTemplate = null;
            writeError(response, done, ex, 404, "not_found", "no service is routed at this path");
            return;
        }
        long length = request.getLength();
        if (length > config.maxRequestBodyBytes()) {
            writeError(
                    response,
                    done,
                    ex,
                    413,
                    "payload_too_large",
                    "the request body exceeds " + config.maxRequestBodyBytes() + " bytes");
            return;
        }
        Identity identity = authenticate(headers, response, done, ex);
        if (identity == null) {
            return;
        }
        ex.identity = identity;
        if (route == null) {
            writeError(response, done, ex, 404, "not_found", "no service is routed at this path");
            return;
        }
        Quotas q = quotas;
        Quotas.Policy policy = q == null ? null : q.policyOf(route);
        if (q == null || policy == null) {
            forward(request, response, done, ex, route, path);
            return;
        }
        q.check(policy, route, identity).whenComplete((decision, failure) -> {
            try {
                if (failure != null || decision == null) {
                    throw new IllegalStateException("quota check failed", failure);
                }
                afterQuota(decision, request, response, done, ex, route, path);
            } catch (RuntimeException e) {
                log.error("unexpected failure handling a request", e);
                if (response.isCommitted()) {
                    done.failed(e);
                } else {
                    writeError(response, done, ex, 500, "internal_error", "the gateway failed to handle the request");
                }
            }
        });
    }

    private void afterQuota(
            Quotas.Decision decision,
            Request request,
            Response response,
            Callback done,
            Exchange ex,
            GatewayConfig.Route route,
            RequestPath path) {
        switch (decision.outcome()) {
            case ALLOWED -> {
                ex.rateLimitPolicy = decision.policy().policyHeader();
                ex.rateLimit = decision.rateLimitHeader();
                addRateLimitHeaders(response, ex);
                forward(request, response, done, ex, route, path);
            }
            case UNAVAILABLE_ADMITTED -> forward(request, response, done, ex, route, path);
            case THROTTLED -> {
                ex.rateLimitPolicy = decision.policy().policyHeader();
                ex.rateLimit = decision.rateLimitHeader();
                ex.failureReason = "quota exceeded";
                addRateLimitHeaders(response, ex);
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
                writeError(
                        response,
                        done,
                        ex,
                        429,
                        "too_many_requests",
                        "the quota of this tenant is used up; retry" + " after " + decision.retryAfterSeconds() + " s");
            }
            case UNAVAILABLE_REJECTED -> {
                ex.failureReason = "quota store unavailable";
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
                writeError(
                        response,
                        done,
                        ex,
                        503,
                        "quota_unavailable",
                        "quotas cannot be checked right now; retry" + " later");
            }
            default -> throw new IllegalStateException("unknown quota outcome " + decision.outcome());
        }
    }

    private static void addRateLimitHeaders(Response response, Exchange ex) {
        if (ex.rateLimit != null && ex.rateLimitPolicy != null) {
            response.getHeaders().put(RATE_LIMIT_POLICY, ex.rateLimitPolicy);
            response.getHeaders().put(RATE_LIMIT, ex.rateLimit);
        }
    }

    /** Circuit breaker, then the first attempt of the proxy exchange. */
    private void forward(
            Request request,
            Response response,
            Callback done,
            Exchange ex,
            GatewayConfig.Route route,
            RequestPath path) {
        ex.deadlineNanos = System.nanoTime() + route.timeout().toNanos();
        attempt(request, response, done, ex, route, path);
    }

    private void attempt(
            Request request,
            Response response,
            Callback done,
            Exchange ex,
            GatewayConfig.Route route,
            RequestPath path) {
        RouteBreakers b = breakers;
        CircuitBreaker breaker = b == null ? null : b.of(route);
        if (b != null && breaker != null && !breaker.tryAcquirePermission()) {
            ex.failureReason = "circuit breaker open";
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(b.retryAfterSeconds(route)));
            writeError(response, done, ex, 503, "circuit_open", "the service is failing; retry later");
            return;
        }
        ex.attempt++;
        proxy(request, response, done, ex, route, path, breaker);
    }

    private GatewayConfig.@Nullable Route routeOf(RequestPath path) {
        String service = path.segment(2);
        if (service == null || !"api".equals(path.segment(0)) || !"v1".equals(path.segment(1))) {
            return null;
        }
        return config.routes().get(service);
    }

    private void addCorsHeaders(Response response, String origin) {
        HttpFields.Mutable out = response.getHeaders();
        out.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.add(HttpHeader.VARY, "Origin");
        out.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, PlatformHeaders.CORRELATION_ID);
    }

    private void preflight(Request request, Response response, Callback done, Exchange ex) {
        if (ex.corsOrigin == null) {
            writeError(response, done, ex, 403, "origin_not_allowed", "this origin is not allowed");
            return;
        }
        String requested = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        HttpFields.Mutable out = response.getHeaders();
        out.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, CORS_METHODS);
        out.put(
                HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
                requested != null && HEADER_LIST.matcher(requested.trim()).matches()
                        ? requested.trim()
                        : CORS_DEFAULT_HEADERS);
        out.put(
                HttpHeader.ACCESS_CONTROL_MAX_AGE,
                Long.toString(config.corsMaxAge().toSeconds()));
        response.setStatus(204);
        response.write(true, BufferUtil.EMPTY_BUFFER, done);
    }

    /**
     * The public probes: the status of liveness or readiness and nothing else (no check names, reasons
     * or timings, which stay on the management listener).
     */
    private void probe(String path, Response response, Callback done, Exchange ex) {
        ex.routeTemplate = path;
        if (!ex.method.equals("GET") && !ex.method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            writeError(response, done, ex, 405, "method_not_allowed", "use GET");
            return;
        }
        CompletableFuture<HealthReport> report =
                path.equals(LIVENESS) ? health.livenessAsync() : health.readinessAsync();
        report.whenComplete((r, failure) -> {
            if (failure != null || r == null) {
                writeError(response, done, ex, 503, "health_failed", "health could not be computed");
                return;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.setStatus(r.status() == HealthStatus.DOWN ? 503 : 200);
            writeBody(response, done, ex, "{\"status\":\"" + r.status().name() + "\"}");
        });
    }

    private void writeBody(Response response, Callback done, Exchange ex, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(bytes.length));
        response.write(true, ex.method.equals("HEAD") ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(bytes), done);
    }

    private @Nullable Identity authenticate(HttpFields headers, Response response, Callback done, Exchange ex) {
        List<String> values = headers.getValuesList(HttpHeader.AUTHORIZATION);
        if (values.isEmpty()) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM);
            writeError(response, done, ex, 401, "unauthorized", "a bearer token is required");
            return null;
        }
        String value = values.size() == 1 ? values.get(0).trim() : "";
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM + ", error=\"invalid_request\"");
            writeError(response, done, ex, 401, "unauthorized", "a single bearer token is required");
            return null;
        }
        try {
            return tokens.verify(value.substring(7).trim());
        } catch (TokenVerifier.InvalidTokenException e) {
            ex.failureReason = e.getMessage();
            response.getHeaders()
                    .put(
                            HttpHeader.WWW_AUTHENTICATE,
                            REALM
                                    + ", error=\"invalid_token\", error_description=\"the access token is invalid or expired\"");
            writeError(response, done, ex, 401, "invalid_token", "the access token is invalid or expired");
            return null;
        }
    }

    private void proxy(
            Request request,
            Response response,
            Callback done,
            Exchange ex,
            GatewayConfig.Route route,
            RequestPath path,
            @Nullable CircuitBreaker breaker) {
        Upstream base = Objects.requireNonNull(upstreams.get(route.name()), route.name());
        String query = request.getHttpURI().getQuery();
        String target = base.basePath + path.encoded() + (query == null ? "" : "?" + query);
        // From the route's pre-parsed URI: newRequest(host, port) would build and parse a URI string per request
        // (visible in the profile).
        org.eclipse.jetty.client.Request upstream = client.newRequest(base.uri)
                .method(ex.method)
                .path(target)
                .timeout(Math.max(1, ex.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        Identity identity = ex.identity;
        Span clientSpan = GatewayTracing.startClient(
                ex.span, ex.method, route.template(), base.uri.getHost(), base.uri.getPort(), ex.attempt);
        java.util.Map<String, String> traceHeaders = GatewayTracing.outgoing(clientSpan, ex.trace);
        upstream.headers(out -> {
            copyRequestHeaders(request.getHeaders(), out);
            addForwardingHeaders(request, out, ex);
            out.put(PlatformHeaders.CORRELATION_ID, ex.correlationId);
            traceHeaders.forEach(out::put);
            if (identity != null) {
                out.put(PlatformHeaders.USER_ID, identity.userId());
                out.put(PlatformHeaders.TENANT_ID, identity.tenantId());
                out.put(PlatformHeaders.ROLES, String.join(",", identity.roles()));
            }
        });
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (hasBody) {
            upstream.body(new LimitedRequestContent(request, config.maxRequestBodyBytes()));
        }
        boolean retryable = !hasBody && ex.attempt <= config.retries() && IDEMPOTENT.contains(ex.method);
        upstream.send(
                new UpstreamResponseListener(request, response, done, ex, route, path, breaker, retryable, clientSpan));
    }

    /**
     * Schedules the next attempt after its backoff, if the failure allows one: nothing of the response
     * was received, the request is idempotent and has no body (so none was streamed), attempts are left,
     * and the backoff ends before the route's deadline.
     *
     * @return whether a retry was scheduled
     */
    private boolean retryLater(
            Throwable failure,
            Request request,
            Response response,
            Callback done,
            Exchange ex,
            GatewayConfig.Route route,
            RequestPath path) {
        if (hasCause(failure, TimeoutException.class)
                || hasCause(failure, LimitedRequestContent.TooLargeException.class)) {
            return false;
        }
        long delayMillis = backoff.apply(ex.attempt);
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis) >= ex.deadlineNanos) {
            return false;
        }
        log.debug(
                "retrying {} {} on route '{}' in {} ms after {}",
                ex.method,
                ex.path,
                route.name(),
                delayMillis,
                failure.toString());
        client.getScheduler()
                .schedule(
                        () -> {
                            try {
                                attempt(request, response, done, ex, route, path);
                            } catch (RuntimeException e) {
                                log.error("unexpected failure retrying a request", e);
                                writeError(
                                        response,
                                        done,
                                        ex,
                                        502,
                                        "upstream_unavailable",
                                        "the service is not reachable");
                            }
                        },
                        delayMillis,
                        TimeUnit.MILLISECONDS);
        return true;
    }

    private void copyRequestHeaders(HttpFields in, HttpFields.Mutable out) {
        Set<String> connectionNamed = connectionNamedHeaders(in);
        for (HttpField field : in) {
            String name = field.getLowerCaseName();
            if (HOP_BY_HOP.contains(name)
                    || name.startsWith("proxy-")
                    || REPLACED_REQUEST_HEADERS.contains(name)
                    || config.strippedHeaders().contains(name)
                    || connectionNamed.contains(name)
                    || (name.equals("authorization") && !config.isForwardAuthorization())) {
                continue;
            }
            out.add(field);
        }
    }

    private static Set<String> connectionNamedHeaders(HttpFields fields) {
        List<String> values = fields.getValuesList(HttpHeader.CONNECTION);
        if (values.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String value : values) {
            for (String name : value.split(",")) {
                names.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private void addForwardingHeaders(Request request, HttpFields.Mutable out, Exchange ex) {
        HttpFields in = request.getHeaders();
        boolean trusted = trustedProxies.isTrusted(ex.clientAddress);
        String forwardedFor = trusted ? joined(in, "X-Forwarded-For") : null;
        if (forwardedFor != null && !FORWARDED_FOR.matcher(forwardedFor).matches()) {
            forwardedFor = null;
        }
        out.put("X-Forwarded-For", forwardedFor == null ? ex.clientAddress : forwardedFor + ", " + ex.clientAddress);
        String proto = trusted ? in.get("X-Forwarded-Proto") : null;
        if (!"http".equals(proto) && !"https".equals(proto)) {
            proto = request.isSecure() ? "https" : "http";
        }
        out.put("X-Forwarded-Proto", proto);
        String host = trusted ? in.get("X-Forwarded-Host") : null;
        if (host == null || !FORWARDED_HOST.matcher(host).matches()) {
            host = in.get(HttpHeader.HOST);
        }
        if (host != null && FORWARDED_HOST.matcher(host).matches()) {
            out.put("X-Forwarded-Host", host);
        }
    }

    private static @Nullable String joined(HttpFields in, String name) {
        List<String> values = in.getValuesList(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** Streams the upstream response to the client, or maps the failure to 502/504/413. */
    private final class UpstreamResponseListener extends Callback.Completable
            implements org.eclipse.jetty.client.Response.Listener {
        private final Request request;
        private final Response response;
        private final Callback done;
        private final Exchange ex;
        private final GatewayConfig.Route route;
        private final RequestPath path;
        private final @Nullable CircuitBreaker breaker;
        private final boolean retryable;
        private final Span clientSpan;
        private final long startNanos = System.nanoTime();
        private boolean begun;
        private volatile boolean clientFailed;

        UpstreamResponseListener(
                Request request,
                Response response,
                Callback done,
                Exchange ex,
                GatewayConfig.Route route,
                RequestPath path,
                @Nullable CircuitBreaker breaker,
                boolean retryable,
                Span clientSpan) {
            this.clientSpan = clientSpan;
            this.request = request;
            this.response = response;
            this.done = done;
            this.ex = ex;
            this.route = route;
            this.path = path;
            this.breaker = breaker;
            this.retryable = retryable;
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response upstream) {
            begun = true;
            response.setStatus(upstream.getStatus());
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstream) {
            HttpFields in = upstream.getHeaders();
            Set<String> connectionNamed = connectionNamedHeaders(in);
            HttpFields.Mutable out = response.getHeaders();
            for (HttpField field : in) {
                String name = field.getLowerCaseName();
                if (HOP_BY_HOP.contains(name)
                        || name.startsWith("proxy-")
                        || connectionNamed.contains(name)
                        || name.startsWith("access-control-")
                        || name.equals("x-correlation-id")
                        || (ex.rateLimit != null && name.startsWith("ratelimit"))) {
                    continue;
                }
                if (field.getHeader() == HttpHeader.DATE) {
                    out.put(field);
                } else {
                    out.add(field);
                }
            }
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstream, Content.Chunk chunk, Runnable demander) {
            chunk.retain();
            response.write(false, chunk.getByteBuffer(), new Callback() {
                @Override
                public void succeeded() {
                    chunk.release();
                    demander.run();
                }

                @Override
                public void failed(Throwable failure) {
                    chunk.release();
                    clientFailed = true;
                    upstream.abort(failure);
                }

                @Override
                public InvocationType getInvocationType() {
                    return InvocationType.NON_BLOCKING;
                }
            });
        }

        @Override
        public void onSuccess(org.eclipse.jetty.client.Response upstream) {
            response.write(true, BufferUtil.EMPTY_BUFFER, this);
        }

        @Override
        public void onComplete(Result result) {
            GatewayTracing.endClient(
                    clientSpan,
                    begun ? result.getResponse().getStatus() : 0,
                    result.isSucceeded() ? null : result.getFailure());
            CircuitBreaker b = breaker;
            if (b != null) {
                long nanos = System.nanoTime() - startNanos;
                if (result.isSucceeded()) {
                    if (RouteBreakers.isFailure(result.getResponse().getStatus())) {
                        b.onError(nanos, TimeUnit.NANOSECONDS, FAILURE_STATUS);
                    } else {
                        b.onSuccess(nanos, TimeUnit.NANOSECONDS);
                    }
                } else if (clientFailed) {
                    b.releasePermission();
                } else {
                    b.onError(nanos, TimeUnit.NANOSECONDS, result.getFailure());
                }
            }
            if (result.isSucceeded()) {
                whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        done.succeeded();
                    } else {
                        done.failed(failure);
                    }
                });
                return;
            }
            Throwable failure = result.getFailure();
            ex.failureReason = String.valueOf(failure);
            if (response.isCommitted()) {
                done.failed(failure);
                return;
            }
            if (retryable && !begun && !clientFailed && retryLater(failure, request, response, done, ex, route, path)) {
                return;
            }
            response.reset();
            response.getHeaders().put(PlatformHeaders.CORRELATION_ID, ex.correlationId);
            if (ex.corsOrigin != null) {
                addCorsHeaders(response, ex.corsOrigin);
            }
            addRateLimitHeaders(response, ex);
            if (hasCause(failure, LimitedRequestContent.TooLargeException.class)) {
                writeError(
                        response,
                        done,
                        ex,
                        413,
                        "payload_too_large",
                        "the request body exceeds " + config.maxRequestBodyBytes() + " bytes");
            } else if (hasCause(failure, TimeoutException.class)) {
                writeError(response, done, ex, 504, "upstream_timeout", "the service did not answer in time");
            } else {
                writeError(response, done, ex, 502, "upstream_unavailable", "the service is not reachable");
            }
        }
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void writeError(
            Response response, Callback done, Exchange ex, int status, String code, String message) {
        response.setStatus(status);
        HttpFields.Mutable out = response.getHeaders();
        out.put(HttpHeader.CONTENT_TYPE, "application/json");
        out.put(HttpHeader.CACHE_CONTROL, "no-store");
        StringBuilder body = new StringBuilder(128);
        body.append("{\"status\":").append(status).append(",\"error\":");
        JsonStrings.appendQuoted(body, code);
        body.append(",\"message\":");
        JsonStrings.appendQuoted(body, message);
        body.append(",\"correlationId\":");
        JsonStrings.appendQuoted(body, ex.correlationId);
        body.append('}');
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        out.put(HttpHeader.CONTENT_LENGTH, Long.toString(bytes.length));
        response.write(true, ex.method.equals("HEAD") ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(bytes), done);
    }

    private void finish(Exchange ex, int status) {
        long nanos = ex.sample.stop(ex.method, ex.routeTemplate, status);
        if (ex.routeTemplate != null) {
            GatewayTracing.route(ex.span, ex.method, ex.routeTemplate);
        }
        GatewayTracing.endServer(ex.span, status);
        if (!access.isInfoEnabled()) {
            return;
        }
        Identity id = ex.identity;
        try (MdcScope ignored = MdcScope.builder()
                .put(MdcKeys.TENANT_ID, id == null ? null : id.tenantId())
                .put(MdcKeys.USER_ID, id == null ? null : id.userId())
                .put(MdcKeys.CORRELATION_ID, ex.correlationId)
                .put(MdcKeys.TRACE_ID, ex.trace.traceId())
                .put(MdcKeys.SPAN_ID, ex.trace.spanId())
                .open()) {
            StringBuilder line = new StringBuilder(160);
            line.append("\"method\":");
            JsonStrings.appendQuoted(line, ex.method);
            line.append(",\"path\":");
            JsonStrings.appendQuoted(line, ex.path == null ? "-" : ex.path);
            line.append(",\"route\":");
            JsonStrings.appendQuoted(
                    line, ex.routeTemplate == null ? HttpServerMetrics.UNKNOWN_ROUTE : ex.routeTemplate);
            line.append(",\"status\":")
                    .append(status)
                    .append(",\"duration_ms\":")
                    .append(nanos / 1000 / 1000.0)
                    .append(",\"client\":");
            JsonStrings.appendQuoted(line, ex.clientAddress);
            if (ex.failureReason != null) {
                line.append(",\"reason\":");
                JsonStrings.appendQuoted(line, ex.failureReason);
            }
            access.info(line.toString());
        }
    }
}
