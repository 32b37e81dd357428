package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.Event;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One event on its way to one subscription group, with its failure history. Internal. */
final class Delivery {
    final Event event;
    /** The ordering key (aggregate id), or null when the event may run concurrently with any other. */
    final @Nullable String key;
    /** Whether this is a replayed dead letter (delivered even if no consumer's patterns match it any more). */
    final boolean replayed;
    /** Attempts made so far; written by the thread running the delivery, read after hand-offs. */
    int attempts;
    @Nullable Instant firstFailure;
    @Nullable Instant lastFailure;

    Delivery(Event event, boolean replayed) {
        this.event = event;
        this.key = event.aggregateId().orElse(null);
        this.replayed = replayed;
    }
}
