package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.examples.tenantservice.User;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code user.created}, {@code user.updated} and {@code user.deleted} after the write committed.
 * A publication failure is logged and counted ({@code tenant_service.events.publish.failures}) but does not
 * fail the request whose write already committed: this example trades an outbox for simplicity (see the
 * README).
 */
public final class UserEvents {

    static final URI SOURCE = URI.create("/tenant-service");
    private static final Logger log = LoggerFactory.getLogger(UserEvents.class);

    private final EventBus bus;
    private final Counter failures;

    /**
     * @param bus the bus
     * @param registry where the failure counter lives
     */
    public UserEvents(EventBus bus, MeterRegistry registry) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.failures = Counter.builder("tenant_service.events.publish.failures")
                .description("user events that could not be published after their write committed")
                .register(registry);
    }

    /**
     * Publishes one user event and waits (at most 5 s) until the bus has it. Tenant, actor, correlation,
     * causation, trace and causal token come from the bound request context.
     *
     * @param type the event type
     * @param user the user as stored (for deletions: as it was)
     * @return the event, also when publishing failed
     */
    public Event publish(String type, User user) {
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
        try {
            bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failures.increment();
            log.error("Could not publish {} for user {} (the write is committed): {}", type, user.id(),
                    e instanceof ExecutionException ? e.getCause() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.increment();
            log.error("Interrupted while publishing {} for user {}", type, user.id());
        }
        return event;
    }
}
