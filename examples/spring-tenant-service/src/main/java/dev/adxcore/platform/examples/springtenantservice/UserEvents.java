package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes {@code user.created|updated|deleted} after the write committed, awaited up to 5 s. The bound request
 * context fills tenant, actor, correlation and trace. A failure is logged and counted, never answered: the write
 * stands (a transactional outbox would close that gap).
 */
@Component
class UserEvents {

    private static final Logger log = LoggerFactory.getLogger(UserEvents.class);
    private static final URI SOURCE = URI.create("/spring-tenant-service");

    private final EventBus bus;
    private final JsonMapper json;
    private final Counter failures;

    UserEvents(EventBus bus, JsonMapper json, MeterRegistry registry) {
        this.bus = bus;
        this.json = json;
        this.failures = Counter.builder("tenant_service.events.publish.failures")
                .description("user events that could not be published after their write committed").register(registry);
    }

    void publish(String type, User user) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("userId", String.valueOf(user.id()));
        data.put("email", user.email());
        data.put("displayName", user.displayName());
        data.put("status", user.status());
        data.put("version", user.version());
        Event event = Event.builder(type).source(SOURCE).sourceService("spring-tenant-service")
                .aggregate("user", String.valueOf(user.id())).data(json.writeValueAsString(data)).build();
        try {
            bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failures.increment();
            log.error("Could not publish {} for user {} (the write is committed): {}", type, user.id(),
                    e instanceof ExecutionException ? e.getCause() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.increment();
        }
    }
}
