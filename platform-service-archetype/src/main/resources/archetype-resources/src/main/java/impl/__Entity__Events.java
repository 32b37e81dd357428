package ${package}.impl;

import ${package}.${Entity};
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
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
 * The one place the service's write events leave it: {@code ${entity}.created}, {@code ${entity}.updated},
 * {@code ${entity}.deleted}, published after the write committed. A publication failure is logged and counted
 * ({@code ${artifactId}.events.publish.failures}) but does not fail the request whose write already committed.
 * Every caller goes through {@link #publish}, so moving to a transactional outbox changes this class only.
 */
public final class ${Entity}Events {

    static final URI SOURCE = URI.create("/${artifactId}");
    private static final Logger log = LoggerFactory.getLogger(${Entity}Events.class);

    private final EventBus bus;
    private final Counter failures;

    /**
     * @param bus the bus
     * @param registry where the failure counter lives
     */
    public ${Entity}Events(EventBus bus, MeterRegistry registry) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.failures = Counter.builder("${artifactId}.events.publish.failures")
                .description("${entity} events that could not be published after their write committed")
                .register(registry);
    }

    /**
     * Publishes one event and waits (at most 5 s) until the bus has it. Tenant, actor, correlation, causation,
     * trace and causal token come from the bound request context.
     *
     * @param type the event type
     * @param value the ${entity} as stored (for deletions: as it was)
     * @return the event, also when publishing failed
     */
    public Event publish(String type, ${Entity} value) {
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
        try {
            bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failures.increment();
            log.error("Could not publish {} for ${entity} {} (the write is committed): {}", type, value.id(),
                    e instanceof ExecutionException ? e.getCause() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.increment();
            log.error("Interrupted while publishing {} for ${entity} {}", type, value.id());
        }
        return event;
    }
}
