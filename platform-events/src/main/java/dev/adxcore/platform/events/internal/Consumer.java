package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.events.internal.engine.Member;

/** One consumer of a subscription group in an in-memory bus; the handle returned by subscribe. Internal. */
final class Consumer implements Subscription {

    final EventSubscription subscription;
    final MemoryGroup group;
    final Member member;
    private final InMemoryEventBus bus;
    private volatile boolean active = true;

    Consumer(InMemoryEventBus bus, MemoryGroup group, EventSubscription subscription) {
        this.bus = bus;
        this.group = group;
        this.subscription = subscription;
        this.member = new Member(subscription);
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
