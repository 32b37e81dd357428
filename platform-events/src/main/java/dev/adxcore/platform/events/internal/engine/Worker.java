package dev.adxcore.platform.events.internal.engine;

import org.jspecify.annotations.Nullable;

/**
 * Runs ready deliveries of one {@link Lanes}, one after the other, until none is left. Takes them a batch at a
 * time (one lock for up to {@value #BATCH}); if the watchdog times a handler call out, the deliveries of the
 * batch not yet started go back to the head of the queue and the worker's place is given to a new one.
 * Publishes its current attempt so that the watchdog can time it out. Internal.
 */
final class Worker implements Runnable {

    /** The most deliveries a worker takes at once. */
    static final int BATCH = 32;

    final Lanes lanes;
    volatile @Nullable Attempt current;
    /** The thread running this worker; set before the worker can park. */
    @Nullable
    Thread thread;
    /** Guarded by the lanes: a parked worker was handed work (or told to stop). */
    boolean signaled;
    /** Written and read by the worker's own thread: the lanes let it go. */
    boolean retired;
    /**
     * {@code batch[cursor..batchSize)} not started yet. Written by the worker (under the lanes' lock when
     * filled); read by the watchdog only after it timed the current call out, which the worker published after
     * the last change (through {@link #current}).
     */
    final @Nullable Delivery[] batch = new Delivery[BATCH];

    int batchSize;
    int cursor;

    Worker(Lanes lanes) {
        this.lanes = lanes;
    }

    /** A marker, never run. */
    @SuppressWarnings("NullAway")
    Worker() {
        this.lanes = null;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Engine engine = lanes.engine;
        while (true) {
            if (cursor >= batchSize && !lanes.fill(this)) {
                return; // retired
            }
            Delivery d = batch[cursor];
            batch[cursor] = null;
            cursor++;
            if (d == null) {
                continue;
            }
            if (lanes.stopping() || d.revoked) {
                lanes.release(d); // stopped or revoked: what was not started goes back to the transport
                continue;
            }
            if (d.pendingDeadLetter != null) {
                engine.storeDeadLetter(lanes, d, d.pendingDeadLetter);
                continue;
            }
            Throwable rejection = d.inbound.rejection();
            Member m = rejection != null || d.inbound.isReplay() ? lanes.anyMember() : lanes.pick(d.event);
            if (m == null) {
                lanes.acknowledge(d); // no consumer wants it (any more)
                continue;
            }
            d.member = m;
            if (rejection != null) {
                d.attempts = d.inbound.rejectedAttempts();
                engine.deadLetter(lanes, m, d, rejection);
                continue;
            }
            d.attempts++;
            long start = System.nanoTime();
            Attempt a = new Attempt(d, m, Thread.currentThread(), start);
            current = a;
            Throwable failure = HandlerInvocation.invoke(m, d);
            long took = System.nanoTime() - start;
            int state = a.finish();
            if (state == Attempt.TIMED_OUT) {
                // The watchdog interrupted us and took over the delivery, the rest of the batch and our place.
                Thread.interrupted();
                return;
            }
            current = null;
            Thread.interrupted(); // a handler may leave the flag set; this thread is ours
            if (state == Attempt.STOPPED) {
                lanes.release(d); // interrupted because the consumer is closing: not a failed attempt
            } else if (failure == null) {
                lanes.meters.delivered(d.event.type(), took);
                lanes.acknowledge(d);
            } else {
                lanes.meters.failed(took, false);
                engine.onFailure(lanes, m, d, failure);
            }
        }
    }
}
