package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import java.time.Duration;

/** One consumer of a subscription group in an in-memory bus; the handle returned by subscribe. Internal. */
final class Consumer implements Subscription {

    private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(365).toNanos();

    final EventSubscription subscription;
    final SubscriptionGroup group;
    final long timeoutNanos;
    private final InMemoryEventBus bus;
    private volatile boolean active = true;

    Consumer(InMemoryEventBus bus, SubscriptionGroup group, EventSubscription subscription) {
        this.bus = bus;
        this.group = group;
        this.subscription = subscription;
        Duration timeout = subscription.handlerTimeout();
        this.timeoutNanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? MAX_TIMEOUT_NANOS : timeout.toNanos();
    }

    @Override
    public String id() {
        return subscription.id();
    }

    @Override
    public boolean isActive() {
        return active && !bus.isClosed();
    }

    void deactivate() {
        active = false;
    }

    @Override
    public void close() {
        if (active) {
            active = false;
            bus.removeConsumer(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription{id=" + subscription.id() + ", active=" + isActive() + '}';
    }
}
