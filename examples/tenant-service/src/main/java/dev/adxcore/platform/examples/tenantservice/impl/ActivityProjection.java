package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.outbox.InboxHandler;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code user.*} events (the service's own and the onboarding template's
 * {@code user.onboard.completed}/{@code .failed}) into {@code user_activity}, in the event's tenant.
 * Effectively once through platform-outbox's {@code Inbox}: a redelivered event (same id) has no second effect.
 */
public final class ActivityProjection implements InboxHandler {

    /** The subscription id (consumer group). */
    public static final String SUBSCRIPTION = "tenant-service.activity";

    private static final Logger log = LoggerFactory.getLogger(ActivityProjection.class);

    @Override
    public void handle(Event event, Handle h) throws Exception {
        UUID user = userOf(event);
        if (event.tenantId().isEmpty() || user == null) {
            throw new NonRetryableEventException(
                    "event " + event.id() + " of type " + event.type()
                            + " names no tenant or user; it cannot be projected",
                    null);
        }
        // Runs in the event tenant's unit, with the inbox entry (a redelivery has no second effect); the
        // column default fills tenant_id from the unit's tenant.
        h.update(
                "INSERT INTO user_activity (user_id, event_id, event_type, correlation_id, actor_id, occurred_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                user,
                event.id(),
                event.type(),
                event.correlationId(),
                event.userId().orElse(null),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC));
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
