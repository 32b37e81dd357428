package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventHandler;
import dev.adxcore.platform.events.NonRetryableEventException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code user.*} events (the service's own and the onboarding template's
 * {@code user.onboard.completed}/{@code .failed}) into {@code user_activity}, in the event's tenant.
 * Idempotent: a redelivered event (same id) is recorded once.
 */
public final class ActivityProjection implements EventHandler {

    /** The subscription id (consumer group). */
    public static final String SUBSCRIPTION = "tenant-service.activity";

    private static final Logger log = LoggerFactory.getLogger(ActivityProjection.class);

    private final DatabaseManager db;

    /** @param db the database */
    public ActivityProjection(DatabaseManager db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void handle(Event event) throws Exception {
        UUID user = userOf(event);
        if (event.tenantId().isEmpty() || user == null) {
            throw new NonRetryableEventException("event " + event.id() + " of type " + event.type()
                    + " names no tenant or user; it cannot be projected", null);
        }
        // The event's context is bound: the unit runs in its tenant, the column default fills tenant_id.
        db.inTransaction(h -> h.update("INSERT INTO user_activity (user_id, event_id, event_type, correlation_id, "
                + "actor_id, occurred_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, event_id) DO NOTHING",
                user, event.id(), event.type(), event.correlationId(), event.userId().orElse(null),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC)));
        log.info("Projected {} {} for user {}", event.type(), event.id(), user);
    }

    /** The user an event is about: its aggregate, or the idempotency key ending the template's workflow id. */
    static @Nullable UUID userOf(Event event) {
        if (event.aggregateType().filter("user"::equals).isPresent()) {
            return uuid(event.aggregateId().orElse(null));
        }
        JsonNode data = Json.parse(event.data());
        JsonNode workflowId = data.path("workflowId");
        if (workflowId.isTextual()) {
            String id = workflowId.asText();
            return uuid(id.substring(id.lastIndexOf('/') + 1));
        }
        return null;
    }

    private static @Nullable UUID uuid(@Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
