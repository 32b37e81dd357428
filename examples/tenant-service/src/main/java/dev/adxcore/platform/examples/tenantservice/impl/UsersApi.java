package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.adxcore.platform.core.InvalidContextException;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.PlatformHeaders;
import dev.adxcore.platform.database.Committed;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.DatabaseUnavailableException;
import dev.adxcore.platform.database.DuplicateKeyException;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.database.OptimisticLockException;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.repository.Page;
import dev.adxcore.platform.examples.tenantservice.User;
import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import dev.adxcore.platform.temporal.TemplateClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, served under {@code /api/v1/users} (the path the gateway forwards unchanged):
 * <pre>
 * POST   /api/v1/users                     create (201, Location, X-Causal-Token)
 * GET    /api/v1/users?limit=&amp;after=|offset=  list (keyset by id, or offset), with total
 * GET    /api/v1/users/{id}                get
 * PUT    /api/v1/users/{id}                update with {"version": n, ...} (409 when stale)
 * DELETE /api/v1/users/{id}                delete (204)
 * GET    /api/v1/users/{id}/activity       the event projection of the user
 * GET    /api/v1/users/{id}/onboarding     the onboarding workflow's outcome
 * </pre>
 * The request context (tenant, user, roles, correlation, trace, causal token) comes from the gateway's headers
 * ({@link PlatformHeaders#extract}) and is bound for the whole request: the database units, the repository, the
 * events and the onboarding workflow all read it, so no handler passes it on by hand. Another tenant's ids
 * answer 404. Reads go to a replica unless the request carries the {@code X-Causal-Token} a write returned,
 * which makes them wait for a replica that has that write, or use the primary
 * ({@link ReadConsistency#readYourWrites()}).
 *
 * <p>Each request is an OpenTelemetry {@code SERVER} span {@code <method> <route template>}, parented on the
 * incoming {@code traceparent} (a malformed one is ignored: a new root) and bound with the request context
 * ({@link PlatformTracing#bind}), so the database units, events and workflow starts of the request are its
 * children and the context's trace is the span. Attributes follow the HTTP semantic conventions with the route
 * template, never the raw path or ids. With the OTel Java agent attached, its server span is used (and named for
 * the route) instead of a second one.
 */
public final class UsersApi implements HttpHandler {

    /** The response header carrying a write's causal token, and the request header that sends it back. */
    public static final String CAUSAL_TOKEN = PlatformHeaders.CAUSAL_TOKEN;
    /** The route templates (the {@code uri} tag of {@code http.server.requests}). */
    public static final List<String> ROUTES = List.of(Routes.USERS, Routes.USER, Routes.ACTIVITY, Routes.ONBOARDING);

    private static final Logger log = LoggerFactory.getLogger(UsersApi.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_OFFSET = 100_000;
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final List<String> KNOWN_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private final DatabaseManager db;
    private final UserRepository users;
    private final UserEvents events;
    private final TemplateClient templates;
    private final HttpServerMetrics metrics;

    /**
     * @param db the database
     * @param events the user event publisher
     * @param templates starts the onboarding workflow and reads its outcome
     * @param metrics the request timer
     */
    public UsersApi(DatabaseManager db, UserEvents events, TemplateClient templates, HttpServerMetrics metrics) {
        this.db = db;
        this.users = new UserRepository(db);
        this.events = events;
        this.templates = templates;
        this.metrics = metrics;
    }

    /** The route templates. */
    static final class Routes {
        static final String USERS = "/api/v1/users";
        static final String USER = "/api/v1/users/{id}";
        static final String ACTIVITY = "/api/v1/users/{id}/activity";
        static final String ONBOARDING = "/api/v1/users/{id}/onboarding";

        private Routes() {}
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        HttpServerMetrics.Sample sample = metrics.start();
        String method = exchange.getRequestMethod();
        String template = null;
        int status = 500;
        String correlationId = PlatformHeaders.correlationIdOrNew(
                exchange.getRequestHeaders().getFirst(PlatformHeaders.CORRELATION_ID));
        exchange.getResponseHeaders().set(PlatformHeaders.CORRELATION_ID, correlationId);
        Span agentSpan = Span.current();
        boolean own =
                !PlatformTracing.agentAttached() || !agentSpan.getSpanContext().isValid();
        String spanMethod = KNOWN_METHODS.contains(method) ? method : "_OTHER";
        Span span = own
                ? PlatformTracing.global()
                        .span(
                                spanMethod,
                                SpanKind.SERVER,
                                PlatformTracing.extract(
                                        exchange.getRequestHeaders().getFirst(PlatformHeaders.TRACEPARENT),
                                        exchange.getRequestHeaders().getFirst(PlatformHeaders.TRACESTATE)))
                        .setAttribute(HTTP_METHOD, spanMethod)
                        .setAttribute(URL_SCHEME, "http")
                        .startSpan()
                : agentSpan;
        try {
            String[] segments = segments(exchange.getRequestURI().getRawPath());
            template = template(segments);
            if (template == null) {
                throw new ApiException(404, "not_found", "no such resource");
            }
            // Also on the agent's span, which only knows the server's context path "/".
            span.updateName(spanMethod + " " + template);
            span.setAttribute(HTTP_ROUTE, template);
            try (PlatformTracing.Scope ignored = PlatformTracing.bind(span, caller(exchange, correlationId))) {
                status = route(exchange, template, method, segments);
            }
        } catch (ApiException e) {
            status = e.status;
            send(exchange, e.status, Json.error(e));
        } catch (DatabaseUnavailableException e) {
            log.warn("Database unavailable: {}", e.getMessage());
            status = 503;
            send(
                    exchange,
                    503,
                    Json.error(new ApiException(503, "unavailable", "the database is unavailable; retry later")));
        } catch (RuntimeException e) {
            log.error("Request {} {} failed", method, template, e);
            status = 500;
            send(
                    exchange,
                    500,
                    Json.error(new ApiException(
                            500, "internal_error", "the request failed; quote correlation id " + correlationId)));
        } finally {
            exchange.close();
            if (own) {
                span.setAttribute(HTTP_STATUS, (long) status);
                if (status >= 500) {
                    span.setAttribute(ERROR_TYPE, Integer.toString(status));
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
            long nanos = sample.stop(method, template, status);
            if (log.isDebugEnabled()) {
                log.debug("{} {} -> {} in {} us", method, template, status, nanos / 1000);
            }
        }
    }

    private int route(HttpExchange exchange, String template, String method, String[] segments) throws IOException {
        switch (template) {
            case Routes.USERS -> {
                return switch (method) {
                    case "POST" -> create(exchange);
                    case "GET" -> list(exchange);
                    default -> notAllowed("GET, POST");
                };
            }
            case Routes.USER -> {
                UUID id = id(segments[3]);
                return switch (method) {
                    case "GET" -> get(exchange, id);
                    case "PUT" -> update(exchange, id);
                    case "DELETE" -> delete(exchange, id);
                    default -> notAllowed("GET, PUT, DELETE");
                };
            }
            case Routes.ACTIVITY -> {
                return method.equals("GET") ? activity(exchange, id(segments[3])) : notAllowed("GET");
            }
            default -> {
                return method.equals("GET") ? onboarding(exchange, id(segments[3])) : notAllowed("GET");
            }
        }
    }

    private static int notAllowed(String allowed) {
        throw new ApiException(405, "method_not_allowed", "allowed methods: " + allowed);
    }

    // ---- handlers ----------------------------------------------------------------------------------

    private int create(HttpExchange exchange) throws IOException {
        UserInput input = UserInput.forCreate(Json.object(body(exchange)));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Committed<User> committed;
        try {
            // forCreate refused a body without email or displayName.
            String email = Objects.requireNonNull(input.email());
            String displayName = Objects.requireNonNull(input.displayName());
            committed = db.inTransaction(h -> {
                User created = users.create(new User(null, email, displayName, User.PENDING, null, null, now));
                events.record("user.created", created); // commits with the user, or not at all
                return created;
            });
        } catch (DuplicateKeyException e) {
            throw emailTaken();
        }
        User user = committed.value();
        log.info("User {} created", user.id());
        startOnboarding(user);
        exchange.getResponseHeaders().set("Location", Routes.USERS + "/" + user.id());
        exchange.getResponseHeaders().set(CAUSAL_TOKEN, committed.token().toString());
        send(exchange, 201, Json.user(user));
        return 201;
    }

    private void startOnboarding(User user) {
        try {
            WorkflowStub stub = templates.start(
                    OnboardingWorkflow.class,
                    String.valueOf(user.id()),
                    new OnboardUser(String.valueOf(user.id()), user.email()));
            log.info("Onboarding workflow {} started", stub.getExecution().getWorkflowId());
        } catch (RuntimeException e) {
            // The user exists; onboarding can be started again with the same idempotency key.
            log.error("Could not start onboarding for user {}: {}", user.id(), e.toString());
        }
    }

    private int get(HttpExchange exchange, UUID id) throws IOException {
        User user = users.findById(id).orElseThrow(() -> ApiException.notFound("user " + id));
        send(exchange, 200, Json.user(user));
        return 200;
    }

    private int list(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Map<String, String> problems = new HashMap<>();
        int limit = intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, problems);
        Integer offset = query.containsKey("offset") ? intParam(query, "offset", 0, 0, MAX_OFFSET, problems) : null;
        UUID after = null;
        if (query.containsKey("after")) {
            try {
                after = UUID.fromString(query.get("after"));
            } catch (IllegalArgumentException e) {
                problems.put("after", "must be the 'next' value of the previous page (a user id)");
            }
        }
        if (offset != null && after != null) {
            problems.put("offset", "cannot be combined with after; use one way of paging");
        }
        for (String name : query.keySet()) {
            if (!List.of("limit", "offset", "after").contains(name)) {
                problems.put(
                        name.length() > 40 ? name.substring(0, 40) : name,
                        "is not a known parameter (limit, after, offset)");
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        List<User> items;
        UUID next = null;
        if (offset != null) {
            items = users.list(limit, offset);
        } else {
            Page<User, UUID> page = users.page(after, limit);
            items = page.items();
            next = page.next().orElse(null);
        }
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("items");
        items.forEach(u -> array.add(Json.user(u)));
        body.put("limit", limit);
        if (offset != null) {
            body.put("offset", offset);
        }
        body.put("next", next == null ? null : next.toString());
        body.put("total", users.count());
        send(exchange, 200, body);
        return 200;
    }

    private int update(HttpExchange exchange, UUID id) throws IOException {
        UserInput input = UserInput.forUpdate(Json.object(body(exchange)));
        Committed<User> committed;
        try {
            committed = db.inTransaction(h -> {
                User current = users.findById(id).orElseThrow(() -> ApiException.notFound("user " + id));
                User updated = users.update(new User(
                        id,
                        input.email() != null ? input.email() : current.email(),
                        input.displayName() != null ? input.displayName() : current.displayName(),
                        current.status(),
                        input.version(),
                        current.createdAt(),
                        OffsetDateTime.now(ZoneOffset.UTC)));
                events.record("user.updated", updated);
                return updated;
            });
        } catch (OptimisticLockException e) {
            throw new ApiException(
                    409,
                    "version_conflict",
                    "user " + id + " was changed since version " + input.version()
                            + "; read it again and reapply the change");
        } catch (NotFoundException e) {
            throw ApiException.notFound("user " + id);
        } catch (DuplicateKeyException e) {
            throw emailTaken();
        }
        User user = committed.value();
        exchange.getResponseHeaders().set(CAUSAL_TOKEN, committed.token().toString());
        send(exchange, 200, Json.user(user));
        return 200;
    }

    private int delete(HttpExchange exchange, UUID id) throws IOException {
        Committed<Optional<User>> committed = db.inTransaction(h -> {
            Optional<User> current = users.findById(id);
            if (current.isPresent()) {
                users.delete(id);
                events.record("user.deleted", current.get());
            }
            return current;
        });
        committed.value().orElseThrow(() -> ApiException.notFound("user " + id));
        exchange.getResponseHeaders().set(CAUSAL_TOKEN, committed.token().toString());
        exchange.sendResponseHeaders(204, -1);
        return 204;
    }

    private int activity(HttpExchange exchange, UUID id) throws IOException {
        users.findById(id).orElseThrow(() -> ApiException.notFound("user " + id));
        // Row-level security keeps the query to the bound tenant's rows.
        List<ObjectNode> rows = db.read(
                ReadConsistency.readYourWrites(),
                h -> h.query(
                        "SELECT event_type, event_id, "
                                + "correlation_id, actor_id, occurred_at FROM user_activity WHERE user_id = ? ORDER BY id LIMIT "
                                + MAX_LIMIT,
                        row -> {
                            ObjectNode n = Json.object();
                            n.put("type", row.getString("event_type"));
                            n.put("eventId", row.getString("event_id"));
                            n.put("correlationId", row.getString("correlation_id"));
                            n.put("actor", row.getString("actor_id"));
                            n.put(
                                    "occurredAt",
                                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                                            row.getObject("occurred_at", OffsetDateTime.class)));
                            return n;
                        },
                        id));
        ObjectNode body = Json.object();
        body.putArray("items").addAll(rows);
        send(exchange, 200, body);
        return 200;
    }

    private int onboarding(HttpExchange exchange, UUID id) throws IOException {
        users.findById(id).orElseThrow(() -> ApiException.notFound("user " + id));
        WorkflowStub stub = templates.existing(OnboardingWorkflow.class, id.toString());
        ObjectNode body = Json.object();
        body.put(
                "workflowId",
                stub.getExecution() == null ? null : stub.getExecution().getWorkflowId());
        try {
            JsonNode output = stub.getResult(250, TimeUnit.MILLISECONDS, JsonNode.class);
            body.put("status", output.path("status").asText("COMPLETED"));
            body.set("result", output.path("result"));
        } catch (TimeoutException e) {
            body.put("status", "RUNNING");
        } catch (WorkflowNotFoundException e) {
            throw ApiException.notFound("onboarding of user " + id);
        } catch (WorkflowFailedException e) {
            body.put("status", "FAILED");
            Throwable cause = e.getCause();
            if (cause instanceof ApplicationFailure failure) {
                body.put("failureType", failure.getType());
                body.put("message", failure.getOriginalMessage());
            } else {
                body.put(
                        "failureType",
                        cause == null ? "unknown" : cause.getClass().getSimpleName());
                body.put("message", cause == null ? e.getMessage() : cause.getMessage());
            }
        }
        send(exchange, 200, body);
        return 200;
    }

    // ---- request parsing ---------------------------------------------------------------------------

    private static ApiException emailTaken() {
        return new ApiException(
                409,
                "email_taken",
                "a user with this email already exists in this tenant",
                Map.of("email", "is already used by another user of this tenant"));
    }

    /** The request's context from the gateway's headers; malformed values are refused without echoing them. */
    private static PlatformContext caller(HttpExchange exchange, String correlationId) {
        PlatformContext context;
        try {
            context = PlatformHeaders.extract(name -> name.equals(PlatformHeaders.CORRELATION_ID)
                    ? correlationId
                    : exchange.getRequestHeaders().getFirst(name));
        } catch (InvalidContextException e) {
            String header = e.getMessage() == null ? "header" : e.getMessage().split(":", 2)[0];
            throw new ApiException(
                    400,
                    "invalid_header",
                    e.getMessage() == null ? "a header is malformed" : e.getMessage(),
                    Map.of(header, "is malformed"));
        }
        if (context.tenantId().isEmpty()) {
            throw new ApiException(
                    401,
                    "missing_identity",
                    "X-Tenant-Id is missing: call this service through the "
                            + "API gateway, which sets it from the verified token");
        }
        return context;
    }

    private static UUID id(String segment) {
        try {
            return UUID.fromString(segment);
        } catch (IllegalArgumentException e) {
            // Not a UUID cannot name a user of any tenant.
            throw ApiException.notFound("user " + (segment.length() > 40 ? segment.substring(0, 40) : segment));
        }
    }

    private static String[] segments(String rawPath) {
        return Arrays.stream(rawPath.split("/"))
                .filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
                .toArray(String[]::new);
    }

    private static @Nullable String template(String[] s) {
        if (s.length < 3 || !s[0].equals("api") || !s[1].equals("v1") || !s[2].equals("users")) {
            return null;
        }
        return switch (s.length) {
            case 3 -> Routes.USERS;
            case 4 -> Routes.USER;
            case 5 -> s[4].equals("activity") ? Routes.ACTIVITY : s[4].equals("onboarding") ? Routes.ONBOARDING : null;
            default -> null;
        };
    }

    private static Map<String, String> query(@Nullable String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(name, value);
        }
        return out;
    }

    private static int intParam(
            Map<String, String> query, String name, int fallback, int min, int max, Map<String, String> problems) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.put(name, "must be a whole number from " + min + " to " + max);
        return fallback;
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(
                        413, "body_too_large", "the request body must be at most " + MAX_BODY_BYTES + " bytes");
            }
            return bytes;
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
