package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.spi.Inbound;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One record on its way through a {@link Lanes}, with its failure history. Its fields are written by the
 * thread that runs it and read after hand-offs through the lanes' lock or the timer. Internal. Not thread-safe
 * by itself: one thread owns it at a time. One small allocation per record.
 */
public final class Delivery {
    /** The transport's record (for the memory bus: the event itself, wrapped). */
    public final Inbound<?> inbound;

    final Event event;
    /** The ordering key (aggregate id), or null when it may run concurrently with any other. */
    final @Nullable String key;

    int attempts;

    @Nullable
    Instant firstFailure;

    @Nullable
    Instant lastFailure;
    /** A dead letter decided but not yet stored (the transport failed to store it: try again). */
    @Nullable
    DeadLetter pendingDeadLetter;
    /** Set when the record was revoked: it is released instead of retried or dead-lettered. */
    volatile boolean revoked;
    /** Set while the delivery waits on the timer for its next attempt (it still holds its key). */
    volatile boolean waitingForRetry;
    /** The member whose handler ran it last (its dead-letter handler is told). */
    @Nullable
    Member member;
    /** How often storing its dead letter failed in a row. */
    int deadLetterFailures;

    /**
     * @param inbound the transport's record
     */
    public Delivery(Inbound<?> inbound) {
        this.inbound = inbound;
        this.event = inbound.event();
        this.key = event.aggregateId().orElse(null);
    }

    /** @return the event */
    public Event event() {
        return event;
    }
}
