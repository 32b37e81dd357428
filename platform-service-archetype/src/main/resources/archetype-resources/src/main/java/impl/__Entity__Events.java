package ${package}.impl;

import ${package}.${Entity};
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.outbox.Outbox;
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one place the service's write events are made: {@code ${entity}.created}, {@code ${entity}.updated},
 * {@code ${entity}.deleted}, recorded in the outbox <b>inside the read-write unit of work that makes the
 * change</b>. The event commits with the write or not at all (a rolled-back write leaves no event, a committed
 * one cannot be lost by a crash before publishing); the service's {@code OutboxRelay} publishes it to the bus,
 * at least once and in order per ${entity}. Tenant, actor, correlation, causation and trace come from the bound
 * request context. Thread-safe.
 */
public final class ${Entity}Events {

    static final URI SOURCE = URI.create("/${artifactId}");

    private final Outbox outbox;

    /** @param outbox the service's outbox (on the application role's database) */
    public ${Entity}Events(Outbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    /**
     * Records one event in the read-write unit of work running on this thread; call it inside the
     * {@code db.inTransaction(...)} of the write.
     *
     * @param type the event type
     * @param value the ${entity} as stored (for deletions: as it was)
     * @return the recorded event
     * @throws SQLException when the outbox insert fails (the unit then rolls back)
     * @throws IllegalStateException outside a read-write unit of work, or in a unit without a tenant
     */
    public Event record(String type, ${Entity} value) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", String.valueOf(value.id()));
        data.put("name", value.name());
        data.put("status", value.status());
        data.put("version", value.version());
        Event event = Event.builder(type)
                .source(SOURCE)
                .sourceService("${artifactId}")
                .aggregate("${entity}", String.valueOf(value.id()))
                .data(Json.text(data))
                .build();
        outbox.record(event);
        return event;
    }
}
