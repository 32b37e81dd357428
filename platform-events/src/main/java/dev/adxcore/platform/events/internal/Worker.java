package dev.adxcore.platform.events.internal;

import org.jspecify.annotations.Nullable;

/**
 * Runs ready deliveries of one group, one after the other, until none is left. Publishes its current
 * handler call so that the watchdog can time it out. Internal.
 */
final class Worker implements Runnable {

    final SubscriptionGroup group;
    private final InMemoryEventBus bus;
    volatile @Nullable Attempt current;

    Worker(InMemoryEventBus bus, SubscriptionGroup group) {
        this.bus = bus;
        this.group = group;
    }

    @Override
    public void run() {
        Delivery d = group.first(this);
        while (d != null) {
            Consumer c = group.pick(d.event);
            if (c == null) {
                c = d.replayed ? group.anyConsumer() : null;
            }
            if (c == null) {
                d = group.completeAndNext(d, this); // no consumer wants it any more: dropped
                continue;
            }
            d.attempts++;
            long start = System.nanoTime();
            Attempt a = new Attempt(d, c, Thread.currentThread(), start + c.timeoutNanos);
            current = a;
            Throwable failure = null;
            try {
                c.subscription.handler().handle(d.event);
            } catch (Throwable t) {
                failure = t;
            }
            long took = System.nanoTime() - start;
            if (!a.finish()) {
                // The watchdog timed this call out, interrupted us and took over the delivery and our place.
                Thread.interrupted();
                return;
            }
            current = null;
            Thread.interrupted(); // a handler may leave the flag set; this thread is ours
            if (failure == null) {
                group.meters.delivered(d.event.type(), took);
                d = group.completeAndNext(d, this);
            } else {
                group.meters.failed(took, false);
                bus.onFailure(group, c, d, failure);
                d = group.next(this);
            }
        }
    }
}
