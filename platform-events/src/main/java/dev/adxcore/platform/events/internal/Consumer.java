package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.events.internal.engine.Member;
import java.util.concurrent.atomic.AtomicBoolean;

/** One consumer of a subscription group in an in-memory bus; the handle returned by subscribe. Internal. */
final class Consumer implements Subscription {

    final EventSubscription subscription;
    final MemoryGroup group;
    final Member member;
    private final InMemoryEventBus bus;
    // one close wins: a second removeConsumer would take this member's lanes from the group twice
    private final AtomicBoolean active = new AtomicBoolean(true);

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
        return active.get() && !bus.isClosed();
    }

    void deactivate() {
        active.set(false);
    }

    @Override
    public void close() {
        if (active.compareAndSet(true, false)) {
            bus.removeConsumer(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription{id=" + subscription.id() + ", active=" + isActive() + '}';
    }
}
