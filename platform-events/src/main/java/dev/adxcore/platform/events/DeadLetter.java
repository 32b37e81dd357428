package dev.adxcore.platform.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event that a subscription gave up on, with the cause: the last exception's class and message,
 * how many attempts were made and when the first and last failures happened. Immutable and thread-safe.
 *
 * @param event the event, unchanged
 * @param subscriptionId the subscription (consumer group) that failed to handle it
 * @param errorClass the fully qualified class name of the last exception
 * @param errorMessage the last exception's message, possibly null
 * @param attempts how many delivery attempts were made
 * @param firstFailure when the first attempt failed
 * @param lastFailure when the last attempt failed
 * @since 0.1.0
 */
public record DeadLetter(
        Event event,
        String subscriptionId,
        String errorClass,
        @Nullable String errorMessage,
        int attempts,
        Instant firstFailure,
        Instant lastFailure) {

    /**
     * Validates the components.
     */
    public DeadLetter {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1 (was " + attempts + ")");
        }
    }
}
