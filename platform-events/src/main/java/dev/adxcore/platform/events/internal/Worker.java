package dev.adxcore.platform.events.internal;

import org.jspecify.annotations.Nullable;

/**
 * Runs ready deliveries of one group, one after the other, until none is left. Takes them from the group a
 * batch at a time (one lock for up to {@value #BATCH}); if the watchdog times a handler call out, the
 * deliveries of the batch not yet started go back to the head of the group's queue. Publishes its current
 * handler call so that the watchdog can time it out. Internal.
 */
final class Worker implements Runnable {

    /** The most deliveries a worker takes from its group at once. */
    static final int BATCH = 32;

    final SubscriptionGroup group;
    private final InMemoryEventBus bus;
    volatile @Nullable Attempt current;
    /** The thread running this worker; set before the worker can park. */
    @Nullable Thread thread;
    /** Guarded by the group: a parked worker was handed work (or told to stop). */
    boolean signaled;
    /** Written and read by the worker's own thread: the group let it go. */
    boolean retired;
    /**
     * The batch: {@code batch[cursor..batchSize)} not started yet. Written by the worker (under the group's
     * lock when filled); read by the watchdog only after it timed the worker's current call out, which the
     * worker published after the last change (through {@link #current}).
     */
    final @Nullable Delivery[] batch = new Delivery[BATCH];
    int batchSize;
    int cursor;

    Worker(InMemoryEventBus bus, SubscriptionGroup group) {
        this.bus = bus;
        this.group = group;
    }

    /** A marker, never run. */
    @SuppressWarnings("NullAway")
    Worker() {
        this.bus = null;
        this.group = null;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (true) {
            if (cursor >= batchSize && !group.fill(this)) {
                return; // retired
            }
            Delivery d = batch[cursor];
            batch[cursor] = null;
            cursor++;
            if (d == null) {
                continue;
            }
            if (group.stopping()) {
                group.completed(d); // unsubscribed: what was not started is dropped
                continue;
            }
            Consumer c = group.pick(d.event);
            if (c == null) {
                c = d.replayed ? group.anyConsumer() : null;
            }
            if (c == null) {
                group.completed(d); // no consumer wants it any more: dropped
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
                // The watchdog timed this call out, interrupted us and took over the delivery, the rest of the
                // batch and our place.
                Thread.interrupted();
                return;
            }
            current = null;
            Thread.interrupted(); // a handler may leave the flag set; this thread is ours
            if (failure == null) {
                group.meters.delivered(d.event.type(), took);
                group.completed(d);
            } else {
                group.meters.failed(took, false);
                bus.onFailure(group, c, d, failure);
            }
        }
    }
}
