package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.examples.tenantservice.User;
import dev.adxcore.platform.outbox.Outbox;
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Records {@code user.created}, {@code user.updated} and {@code user.deleted} in the outbox, inside the read-write
 * unit of work that makes the change: the event commits with the write or not at all, and the service's outbox
 * relay publishes it (at least once, in order per user). Tenant, actor, correlation, causation and trace come
 * from the bound request context. Thread-safe.
 */
public final class UserEvents {

    static final URI SOURCE = URI.create("/tenant-service");

    private final Outbox outbox;

    /** @param outbox the service's outbox */
    public UserEvents(Outbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    /**
     * Records one user event in the read-write unit running on this thread.
     *
     * @param type the event type
     * @param user the user as stored (for deletions: as it was)
     * @return the event
     * @throws SQLException when the outbox insert fails (the unit then rolls back)
     * @throws IllegalStateException outside a read-write unit of work
     */
    public Event record(String type, User user) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", String.valueOf(user.id()));
        data.put("email", user.email());
        data.put("displayName", user.displayName());
        data.put("status", user.status());
        data.put("version", user.version());
        Event event = Event.builder(type)
                .source(SOURCE)
                .sourceService("tenant-service")
                .aggregate("user", String.valueOf(user.id()))
                .data(Json.text(data))
                .build();
        outbox.record(event);
        return event;
    }
}
