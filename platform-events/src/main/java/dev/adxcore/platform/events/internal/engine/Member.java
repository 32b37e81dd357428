package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.EventSubscription;
import java.time.Duration;

/**
 * One subscription whose handler a {@link Lanes} calls; several share a lanes in the in-memory bus. Internal.
 * Immutable and thread-safe; cheap to create (no thread, no I/O).
 */
public final class Member {
    private static final Duration MAX_TIMEOUT = Duration.ofDays(365);

    final EventSubscription subscription;
    final long timeoutNanos;

    /**
     * @param subscription the subscription
     */
    public Member(EventSubscription subscription) {
        this.subscription = subscription;
        Duration timeout = subscription.handlerTimeout();
        this.timeoutNanos = (timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout).toNanos();
    }

    /** @return the subscription */
    public EventSubscription subscription() {
        return subscription;
    }
}
