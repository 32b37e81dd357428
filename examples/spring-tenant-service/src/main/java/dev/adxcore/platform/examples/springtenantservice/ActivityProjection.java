package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.InboxHandler;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes {@code user.*} events (the service's own and the onboarding template's
 * {@code user.onboard.completed}/{@code .failed}) into {@code user_activity}, in the event's tenant, effectively once through the
 * auto-configured {@link Inbox}: a redelivered event (same id) has no second effect. Subscribed while the context
 * lives.
 */
@Component
class ActivityProjection implements InboxHandler, DisposableBean {

    static final String SUBSCRIPTION = "spring-tenant-service.activity";
    private static final Logger log = LoggerFactory.getLogger(ActivityProjection.class);

    private final JsonMapper json;
    private final Subscription subscription;

    ActivityProjection(EventBus bus, Inbox inbox, JsonMapper json) {
        this.json = json;
        this.subscription = bus.subscribe(
                inbox.subscription(SUBSCRIPTION, this).types("user.*").build());
    }

    @Override
    public void handle(Event event, Handle h) throws Exception {
        UUID user = userOf(event);
        if (event.tenantId().isEmpty() || user == null) {
            throw new NonRetryableEventException(
                    "event " + event.id() + " of type " + event.type()
                            + " names no tenant or user; it cannot be projected",
                    null);
        }
        // The column default fills tenant_id from the unit's tenant (the event's); row-level security checks it.
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

    @Override
    public void destroy() throws Exception {
        subscription.close();
    }

    /** The user an event is about: its aggregate, or the idempotency key ending the template's workflow id. */
    private @Nullable UUID userOf(Event event) {
        if (event.aggregateType().filter("user"::equals).isPresent()) {
            return uuid(event.aggregateId().orElse(null));
        }
        if (json.readValue(event.data(), Map.class).get("workflowId") instanceof String id) {
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
