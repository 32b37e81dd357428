package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventHandler;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.examples.tenantservice.WelcomeNotifier;
import java.util.Objects;
import java.util.UUID;

/** Consumes {@code user.created} and hands the new user to the {@link WelcomeNotifier}. */
public final class WelcomeConsumer implements EventHandler {

    /** The subscription id (consumer group). */
    public static final String SUBSCRIPTION = "tenant-service.welcome";

    private final WelcomeNotifier notifier;

    /** @param notifier sends the message */
    public WelcomeConsumer(WelcomeNotifier notifier) {
        this.notifier = Objects.requireNonNull(notifier, "notifier");
    }

    @Override
    public void handle(Event event) throws Exception {
        JsonNode data = Json.parse(event.data());
        UUID tenant;
        UUID user;
        try {
            tenant = event.tenantId().orElseThrow(() -> new IllegalArgumentException("no tenant"));
            user = UUID.fromString(data.path("userId").asText());
        } catch (IllegalArgumentException e) {
            throw new NonRetryableEventException("user.created " + event.id() + " has no tenant or user id", e);
        }
        notifier.welcome(
                tenant,
                user,
                data.path("email").asText(),
                data.path("displayName").asText());
    }
}
