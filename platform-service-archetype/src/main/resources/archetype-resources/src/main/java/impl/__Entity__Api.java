package ${package}.impl;

import ${package}.${Entity};
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
import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import dev.adxcore.platform.temporal.TemplateClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, served under {@code /api/v1/${entities}} (the path the gateway forwards unchanged):
 * <pre>
 * POST   /api/v1/${entities}                     create (201, Location, X-Causal-Token)
 * GET    /api/v1/${entities}?limit=&amp;after=|offset=  list (keyset by id, or offset), with total
 * GET    /api/v1/${entities}/{id}                get
 * PUT    /api/v1/${entities}/{id}                update with {"version": n, ...} (409 when stale)
 * DELETE /api/v1/${entities}/{id}                delete (204)
 * </pre>
 * The request context (tenant, user, roles, correlation, trace, causal token) comes from the gateway's headers
 * ({@link PlatformHeaders#extract}) and is bound for the whole request: the database units, the repository, the
 * events and the workflow start all read it, so no handler passes it on by hand. Another tenant's ids answer
 * 404. Reads are {@link ReadConsistency#readYourWrites()}.
 */
public final class ${Entity}Api implements HttpHandler {

    /** The route templates (the {@code uri} tag of {@code http.server.requests}). */
    public static final List<String> ROUTES = List.of(Routes.COLLECTION, Routes.ITEM);

    private static final Logger log = LoggerFactory.getLogger(${Entity}Api.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_OFFSET = 100_000;

    private final DatabaseManager db;
    private final ${Entity}Repository repository;
    private final ${Entity}Events events;
    private final TemplateClient templates;
    private final HttpServerMetrics metrics;

    /**
     * @param db the database
     * @param events records the write's event in the write's unit of work (the outbox)
     * @param templates starts the activation workflow
     * @param metrics the request timer
     */
    public ${Entity}Api(DatabaseManager db, ${Entity}Events events, TemplateClient templates, HttpServerMetrics metrics) {
        this.db = db;
        this.repository = new ${Entity}Repository(db);
        this.events = events;
        this.templates = templates;
        this.metrics = metrics;
    }

    /** The route templates. */
    static final class Routes {
        static final String COLLECTION = "/api/v1/${entities}";
        static final String ITEM = "/api/v1/${entities}/{id}";

        private Routes() {
        }
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
        try {
            String[] segments = segments(exchange.getRequestURI().getRawPath());
            template = template(segments);
            if (template == null) {
                throw new ApiException(404, "not_found", "no such resource");
            }
            try (PlatformContext.Scope ignored = caller(exchange, correlationId).bind()) {
                status = route(exchange, template, method, segments);
            }
        } catch (ApiException e) {
            status = e.status;
            send(exchange, e.status, Json.error(e));
        } catch (DatabaseUnavailableException e) {
            log.warn("Database unavailable: {}", e.getMessage());
            status = 503;
            send(exchange, 503, Json.error(new ApiException(503, "unavailable", "the database is unavailable; retry later")));
        } catch (RuntimeException e) {
            log.error("Request {} {} failed", method, template, e);
            status = 500;
            send(exchange, 500, Json.error(new ApiException(500, "internal_error",
                    "the request failed; quote correlation id " + correlationId)));
        } finally {
            exchange.close();
            sample.stop(method, template, status);
        }
    }

    private int route(HttpExchange exchange, String template, String method, String[] segments) throws IOException {
        if (template.equals(Routes.COLLECTION)) {
            return switch (method) {
                case "POST" -> create(exchange);
                case "GET" -> list(exchange);
                default -> notAllowed("GET, POST");
            };
        }
        UUID id = id(segments[3]);
        return switch (method) {
            case "GET" -> get(exchange, id);
            case "PUT" -> update(exchange, id);
            case "DELETE" -> delete(exchange, id);
            default -> notAllowed("GET, PUT, DELETE");
        };
    }

    private static int notAllowed(String allowed) {
        throw new ApiException(405, "method_not_allowed", "allowed methods: " + allowed);
    }

    // ---- handlers ----------------------------------------------------------------------------------

    private int create(HttpExchange exchange) throws IOException {
        ${Entity}Input input = ${Entity}Input.forCreate(Json.object(body(exchange)));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Committed<${Entity}> committed;
        try {
            committed = db.inTransaction(h -> {
                ${Entity} created = repository.create(new ${Entity}(null, input.name(), ${Entity}.PENDING, null, null, now));
                events.record("${entity}.created", created);   // commits with the ${entity}, or not at all
                return created;
            });
        } catch (DuplicateKeyException e) {
            throw nameTaken();
        }
        ${Entity} created = committed.value();
        log.info("${Entity} {} created", created.id());
        startActivation(created);
        exchange.getResponseHeaders().set("Location", Routes.COLLECTION + "/" + created.id());
        exchange.getResponseHeaders().set(PlatformHeaders.CAUSAL_TOKEN, committed.token().toString());
        send(exchange, 201, Json.${entity}(created));
        return 201;
    }

    private void startActivation(${Entity} value) {
        try {
            WorkflowStub stub = templates.start(Activate${Entity}Workflow.class, String.valueOf(value.id()),
                    new Activate${Entity}(String.valueOf(value.id())));
            log.info("Activation workflow {} started", stub.getExecution().getWorkflowId());
        } catch (RuntimeException e) {
            // The ${entity} exists; the activation can be started again with the same idempotency key.
            log.error("Could not start the activation of ${entity} {}: {}", value.id(), e.toString());
        }
    }

    private int get(HttpExchange exchange, UUID id) throws IOException {
        ${Entity} value = repository.findById(id).orElseThrow(() -> ApiException.notFound("${entity} " + id));
        send(exchange, 200, Json.${entity}(value));
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
                problems.put("after", "must be the 'next' value of the previous page (an id)");
            }
        }
        if (offset != null && after != null) {
            problems.put("offset", "cannot be combined with after; use one way of paging");
        }
        for (String name : query.keySet()) {
            if (!List.of("limit", "offset", "after").contains(name)) {
                problems.put(name.length() > 40 ? name.substring(0, 40) : name, "is not a known parameter (limit, after, offset)");
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        List<${Entity}> items;
        UUID next = null;
        if (offset != null) {
            items = repository.list(limit, offset);
        } else {
            Page<${Entity}, UUID> page = repository.page(after, limit);
            items = page.items();
            next = page.next().orElse(null);
        }
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("items");
        items.forEach(v -> array.add(Json.${entity}(v)));
        body.put("limit", limit);
        if (offset != null) {
            body.put("offset", offset);
        }
        body.put("next", next == null ? null : next.toString());
        body.put("total", repository.count());
        send(exchange, 200, body);
        return 200;
    }

    private int update(HttpExchange exchange, UUID id) throws IOException {
        ${Entity}Input input = ${Entity}Input.forUpdate(Json.object(body(exchange)));
        Committed<${Entity}> committed;
        try {
            committed = db.inTransaction(h -> {
                ${Entity} current = repository.findById(id).orElseThrow(() -> ApiException.notFound("${entity} " + id));
                ${Entity} updated = repository.update(new ${Entity}(id, input.name() != null ? input.name() : current.name(),
                        current.status(), input.version(), current.createdAt(), OffsetDateTime.now(ZoneOffset.UTC)));
                events.record("${entity}.updated", updated);
                return updated;
            });
        } catch (OptimisticLockException e) {
            throw new ApiException(409, "version_conflict", "${entity} " + id + " was changed since version "
                    + input.version() + "; read it again and reapply the change");
        } catch (NotFoundException e) {
            throw ApiException.notFound("${entity} " + id);
        } catch (DuplicateKeyException e) {
            throw nameTaken();
        }
        ${Entity} updated = committed.value();
        exchange.getResponseHeaders().set(PlatformHeaders.CAUSAL_TOKEN, committed.token().toString());
        send(exchange, 200, Json.${entity}(updated));
        return 200;
    }

    private int delete(HttpExchange exchange, UUID id) throws IOException {
        Committed<Optional<${Entity}>> committed = db.inTransaction(h -> {
            Optional<${Entity}> current = repository.findById(id);
            if (current.isPresent()) {
                repository.delete(id);
                events.record("${entity}.deleted", current.get());
            }
            return current;
        });
        committed.value().orElseThrow(() -> ApiException.notFound("${entity} " + id));
        exchange.getResponseHeaders().set(PlatformHeaders.CAUSAL_TOKEN, committed.token().toString());
        exchange.sendResponseHeaders(204, -1);
        return 204;
    }

    // ---- request parsing ---------------------------------------------------------------------------

    private static ApiException nameTaken() {
        return new ApiException(409, "name_taken", "a ${entity} with this name already exists in this tenant",
                Map.of("name", "is already used by another ${entity} of this tenant"));
    }

    /** The request's context from the gateway's headers; malformed values are refused without echoing them. */
    private static PlatformContext caller(HttpExchange exchange, String correlationId) {
        PlatformContext context;
        try {
            context = PlatformHeaders.extract(name -> name.equals(PlatformHeaders.CORRELATION_ID) ? correlationId
                    : exchange.getRequestHeaders().getFirst(name));
        } catch (InvalidContextException e) {
            String header = e.getMessage() == null ? "header" : e.getMessage().split(":", 2)[0];
            throw new ApiException(400, "invalid_header", e.getMessage() == null ? "a header is malformed" : e.getMessage(),
                    Map.of(header, "is malformed"));
        }
        if (context.tenantId().isEmpty()) {
            throw new ApiException(401, "missing_identity", "X-Tenant-Id is missing: call this service through the "
                    + "API gateway, which sets it from the verified token");
        }
        return context;
    }

    private static UUID id(String segment) {
        try {
            return UUID.fromString(segment);
        } catch (IllegalArgumentException e) {
            // Not a UUID cannot name a ${entity} of any tenant.
            throw ApiException.notFound("${entity} " + (segment.length() > 40 ? segment.substring(0, 40) : segment));
        }
    }

    private static String[] segments(String rawPath) {
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toArray(String[]::new);
    }

    private static @Nullable String template(String[] s) {
        if (s.length < 3 || !s[0].equals("api") || !s[1].equals("v1") || !s[2].equals("${entities}")) {
            return null;
        }
        return switch (s.length) {
            case 3 -> Routes.COLLECTION;
            case 4 -> Routes.ITEM;
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

    private static int intParam(Map<String, String> query, String name, int fallback, int min, int max,
            Map<String, String> problems) {
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
                throw new ApiException(413, "body_too_large", "the request body must be at most " + MAX_BODY_BYTES + " bytes");
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
