package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.outbox.Outbox;
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records {@code user.created|updated|deleted} in the outbox, inside the read-write unit of work that makes the
 * change: the event commits with the write or not at all, and the auto-configured relay publishes it (at least
 * once, in order per user). The bound request context fills tenant, actor, correlation and trace.
 */
@Component
class UserEvents {

    private static final URI SOURCE = URI.create("/spring-tenant-service");

    private final Outbox outbox;
    private final JsonMapper json;

    UserEvents(Outbox outbox, JsonMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    /** Records one user event in the read-write unit running on this thread; fails (rolling it back) outside one. */
    void record(String type, User user) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", String.valueOf(user.id()));
        data.put("email", user.email());
        data.put("displayName", user.displayName());
        data.put("status", user.status());
        data.put("version", user.version());
        outbox.record(Event.builder(type)
                .source(SOURCE)
                .sourceService("spring-tenant-service")
                .aggregate("user", String.valueOf(user.id()))
                .data(json.writeValueAsString(data))
                .build());
    }
}
