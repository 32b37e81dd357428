package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.CausalToken;
import dev.adxcore.platform.database.Committed;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.DuplicateKeyException;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.database.OptimisticLockException;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.repository.Page;
import dev.adxcore.platform.temporal.TemplateClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/users}: the contract of examples/tenant-service. Each write records its event in the outbox in
 * the same unit of work. The tenant, caller and correlation id are the
 * request's {@link PlatformContext}, bound from the gateway's headers by the starter's filter; every unit of work
 * is scoped to that tenant, and row-level security enforces it.
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersController {

    static final String CAUSAL_TOKEN = "X-Causal-Token";
    private static final Logger log = LoggerFactory.getLogger(UsersController.class);
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_OFFSET = 10_000;

    private final DatabaseManager db;
    private final UserEvents events;
    private final TemplateClient templates;

    UsersController(DatabaseManager db, UserEvents events, TemplateClient templates) {
        this.db = db;
        this.events = events;
        this.templates = templates;
    }

    @PostMapping
    ResponseEntity<User> create(@RequestBody(required = false) @Nullable Map<String, Object> body) {
        UUID tenant = tenant();
        UserInput input = UserInput.forCreate(body);
        UserRepository users = new UserRepository(db, ReadConsistency.latest());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Committed<User> committed;
        try {
            committed = db.inTransaction(tenant, h -> {
                User created = users.create(
                        tenant,
                        new User(
                                null,
                                Objects.requireNonNull(input.email()),
                                Objects.requireNonNull(input.displayName()),
                                "pending",
                                null,
                                null,
                                now));
                events.record("user.created", created);
                return created;
            });
        } catch (DuplicateKeyException e) {
            throw emailTaken();
        }
        User user = committed.value();
        log.info("User {} created", user.id());
        startOnboarding(user);
        return ResponseEntity.created(URI.create("/api/v1/users/" + user.id()))
                .header(CAUSAL_TOKEN, committed.token().toString())
                .body(user);
    }

    @GetMapping
    Map<String, Object> list(@RequestParam Map<String, String> query) {
        UUID tenant = tenant();
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
        UserRepository users = new UserRepository(db, readConsistency());
        List<User> items;
        UUID next = null;
        if (offset != null) {
            items = users.list(tenant, limit, offset);
        } else {
            Page<User, UUID> page = users.page(tenant, after, limit);
            items = page.items();
            next = page.next().orElse(null);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("limit", limit);
        if (offset != null) {
            answer.put("offset", offset);
        }
        answer.put("next", next == null ? null : next.toString());
        answer.put("total", users.count(tenant));
        return answer;
    }

    @GetMapping("/{id}")
    User get(@PathVariable String id) {
        UUID tenant = tenant();
        UUID userId = id(id);
        return new UserRepository(db, readConsistency())
                .findById(tenant, userId)
                .orElseThrow(() -> ApiException.notFound("user " + userId));
    }

    @PutMapping("/{id}")
    ResponseEntity<User> update(
            @PathVariable String id, @RequestBody(required = false) @Nullable Map<String, Object> body) {
        UUID tenant = tenant();
        UUID userId = id(id);
        UserInput input = UserInput.forUpdate(body);
        UserRepository users = new UserRepository(db, ReadConsistency.latest());
        Committed<User> committed;
        try {
            committed = db.inTransaction(tenant, h -> {
                User current =
                        users.findById(tenant, userId).orElseThrow(() -> ApiException.notFound("user " + userId));
                User updated = users.update(
                        tenant,
                        new User(
                                userId,
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
                    "user " + userId + " was changed since version " + input.version()
                            + "; read it again and reapply the change");
        } catch (NotFoundException e) {
            throw ApiException.notFound("user " + userId);
        } catch (DuplicateKeyException e) {
            throw emailTaken();
        }
        return ResponseEntity.ok()
                .header(CAUSAL_TOKEN, committed.token().toString())
                .body(committed.value());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        UUID tenant = tenant();
        UUID userId = id(id);
        UserRepository users = new UserRepository(db, ReadConsistency.latest());
        Committed<Optional<User>> committed = db.inTransaction(tenant, h -> {
            Optional<User> current = users.findById(tenant, userId);
            if (current.isPresent()) {
                users.delete(tenant, userId);
                events.record("user.deleted", current.get());
            }
            return current;
        });
        committed.value().orElseThrow(() -> ApiException.notFound("user " + userId));
        return ResponseEntity.noContent()
                .header(CAUSAL_TOKEN, committed.token().toString())
                .build();
    }

    /** The onboarding workflow's outcome: RUNNING, COMPLETED with its result, or FAILED with the failure's type. */
    @GetMapping("/{id}/onboarding")
    Map<String, @Nullable Object> onboarding(@PathVariable String id) {
        UUID tenant = tenant();
        UUID userId = id(id);
        new UserRepository(db, readConsistency())
                .findById(tenant, userId)
                .orElseThrow(() -> ApiException.notFound("user " + userId));
        WorkflowStub stub = templates.existing(OnboardingWorkflow.class, userId.toString());
        Map<String, @Nullable Object> body = new LinkedHashMap<>();
        body.put(
                "workflowId",
                stub.getExecution() == null ? null : stub.getExecution().getWorkflowId());
        try {
            Map<?, ?> output = stub.getResult(250, TimeUnit.MILLISECONDS, Map.class);
            Object status = output.get("status");
            body.put("status", status != null ? status : "COMPLETED");
            body.put("result", output.get("result"));
        } catch (TimeoutException e) {
            body.put("status", "RUNNING");
        } catch (WorkflowNotFoundException e) {
            throw ApiException.notFound("onboarding of user " + userId);
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
        return body;
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

    /** The user's event projection (written by {@link ActivityProjection}), oldest first, at most 100 entries. */
    @GetMapping("/{id}/activity")
    Map<String, Object> activity(@PathVariable String id) {
        UUID tenant = tenant();
        UUID userId = id(id);
        ReadConsistency consistency = readConsistency();
        new UserRepository(db, consistency)
                .findById(tenant, userId)
                .orElseThrow(() -> ApiException.notFound("user " + userId));
        // Row-level security keeps the query to the tenant's rows.
        List<Map<String, @Nullable Object>> items = db.read(
                tenant,
                consistency,
                h -> h.query(
                        "SELECT event_type, "
                                + "event_id, correlation_id, actor_id, occurred_at FROM user_activity WHERE user_id = ? ORDER BY id LIMIT "
                                + MAX_LIMIT,
                        row -> {
                            Map<String, @Nullable Object> item = new LinkedHashMap<>();
                            item.put("type", row.getString("event_type"));
                            item.put("eventId", row.getString("event_id"));
                            item.put("correlationId", row.getString("correlation_id"));
                            item.put("actor", row.getString("actor_id"));
                            item.put(
                                    "occurredAt",
                                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                                            row.getObject("occurred_at", OffsetDateTime.class)));
                            return item;
                        },
                        userId));
        return Map.of("items", items);
    }

    private static UUID tenant() {
        return PlatformContext.current()
                .flatMap(PlatformContext::tenantId)
                .orElseThrow(() -> new ApiException(
                        401,
                        "missing_identity",
                        "X-Tenant-Id is missing: call this service through the API gateway, which sets "
                                + "it from the verified token"));
    }

    private static UUID id(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("user " + (text.length() > 40 ? text.substring(0, 40) : text));
        }
    }

    /** A read that sent back a write's token reads at least that write (read-your-writes); else any replica. */
    private static ReadConsistency readConsistency() {
        Optional<String> token = PlatformContext.current().flatMap(PlatformContext::causalToken);
        if (token.isEmpty()) {
            return ReadConsistency.replica();
        }
        try {
            return ReadConsistency.causal(CausalToken.parse(token.get()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(Map.of(CAUSAL_TOKEN, "must be a token returned by a write, such as 0/16B3748"));
        }
    }

    private static int intParam(
            Map<String, String> query, String name, int dflt, int min, int max, Map<String, String> problems) {
        String v = query.get(name);
        if (v == null) {
            return dflt;
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
        return dflt;
    }

    private static ApiException emailTaken() {
        return new ApiException(
                409,
                "email_taken",
                "a user with this email already exists in this tenant",
                Map.of("email", "is already used by another user of this tenant"));
    }
}
