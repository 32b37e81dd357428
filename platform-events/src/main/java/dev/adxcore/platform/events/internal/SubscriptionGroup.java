package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The consumers of one subscription id in an in-memory bus, and the queue of deliveries they share.
 *
 * <p>Ordering: a delivery whose key (aggregate id) is in flight (running, or waiting for a retry) waits in
 * that key's queue; the key's next delivery becomes ready only when the one in flight completes. Deliveries
 * without a key are ready at once. At most {@code maxConcurrency} workers (the sum of the consumers'
 * concurrency) take ready deliveries. A retry waits on a timer, not on a worker, so other keys go on.
 *
 * <p>Capacity: a delivery holds one of {@code capacity} slots from enqueue until it completes (handled,
 * dead-lettered or dropped). Internal.
 */
final class SubscriptionGroup {

    private static final Consumer[] NO_CONSUMERS = new Consumer[0];

    final String id;
    final int capacity;
    final Semaphore slots;
    final BusMetrics.SubscriptionMeters meters;
    private final InMemoryEventBus bus;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile Consumer[] consumers = NO_CONSUMERS;

    // guarded by this
    private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    private final HashMap<String, @Nullable ArrayDeque<Delivery>> busyKeys = new HashMap<>();
    private int running;
    private int maxConcurrency;
    private int pending;
    private boolean stopped;

    SubscriptionGroup(InMemoryEventBus bus, String id, int capacity, BusMetrics.SubscriptionMeters meters) {
        this.bus = bus;
        this.id = id;
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
        this.meters = meters;
    }

    /** Whether any consumer of the group wants the event. */
    boolean wants(Event event) {
        for (Consumer c : consumers) {
            if (c.subscription.matches(event)) {
                return true;
            }
        }
        return false;
    }

    /** Picks the consumer for a delivery: round robin over the consumers that want it; null when none does. */
    @Nullable Consumer pick(Event event) {
        Consumer[] cs = consumers;
        int n = cs.length;
        if (n == 1) {
            return cs[0].subscription.matches(event) ? cs[0] : null;
        }
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Consumer c = cs[(start + i) % n];
            if (c.subscription.matches(event)) {
                return c;
            }
        }
        return null;
    }

    /** Any consumer, for replayed dead letters whose type no consumer matches any more. */
    @Nullable Consumer anyConsumer() {
        Consumer[] cs = consumers;
        return cs.length == 0 ? null : cs[Math.floorMod(roundRobin.getAndIncrement(), cs.length)];
    }

    synchronized void addConsumer(Consumer c) {
        List<Consumer> list = new ArrayList<>(List.of(consumers));
        list.add(c);
        consumers = list.toArray(NO_CONSUMERS);
        maxConcurrency += c.subscription.concurrency();
    }

    /** @return true when the group has no consumers left */
    synchronized boolean removeConsumer(Consumer c) {
        List<Consumer> list = new ArrayList<>(List.of(consumers));
        if (list.remove(c)) {
            maxConcurrency -= c.subscription.concurrency();
            consumers = list.toArray(NO_CONSUMERS);
        }
        return consumers.length == 0;
    }

    Consumer[] consumers() {
        return consumers;
    }

    /**
     * Takes a slot for one delivery.
     *
     * @param block whether to wait for room
     * @param timeoutNanos how long to wait
     * @return whether a slot was taken
     */
    boolean reserve(boolean block, long timeoutNanos) throws InterruptedException {
        if (slots.tryAcquire()) {
            return true;
        }
        return block && slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Queues a delivery that holds a slot.
     *
     * @return false (and the slot is given back) when the group is stopped
     */
    boolean enqueue(Delivery d) {
        boolean start;
        synchronized (this) {
            if (stopped) {
                slots.release();
                return false;
            }
            pending++;
            if (d.key != null) {
                if (busyKeys.containsKey(d.key)) {
                    ArrayDeque<Delivery> waiting = busyKeys.get(d.key);
                    if (waiting == null) {
                        waiting = new ArrayDeque<>(4);
                        busyKeys.put(d.key, waiting);
                    }
                    waiting.addLast(d);
                    return true;
                }
                busyKeys.put(d.key, null);
            }
            ready.addLast(d);
            start = claimWorker();
        }
        if (start) {
            bus.startWorker(this);
        }
        return true;
    }

    /** Puts a delivery that waited for its retry back at the head of the queue (its key is still held). */
    void requeue(Delivery d) {
        boolean start;
        synchronized (this) {
            if (stopped) {
                dropOne();
                return;
            }
            ready.addFirst(d);
            start = claimWorker();
        }
        if (start) {
            bus.startWorker(this);
        }
    }

    /**
     * The first delivery for a new worker, or null (and the worker is retired) when there is none.
     */
    synchronized @Nullable Delivery first(Worker w) {
        return nextOrRetire(w);
    }

    /** Completes a delivery (handled, dead-lettered or dropped) and returns the worker's next, or null. */
    @Nullable Delivery completeAndNext(Delivery d, Worker w) {
        synchronized (this) {
            completeLocked(d);
            return nextOrRetire(w);
        }
    }

    /** Returns the worker's next delivery, or null. Used after a failure whose delivery lives on elsewhere. */
    synchronized @Nullable Delivery next(Worker w) {
        return nextOrRetire(w);
    }

    /** Completes a delivery outside a worker (after a timeout or a failed schedule). */
    void complete(Delivery d) {
        boolean start;
        synchronized (this) {
            completeLocked(d);
            start = claimWorker();
        }
        if (start) {
            bus.startWorker(this);
        }
    }

    /** A worker was abandoned to a hanging handler: free its place so that another can run. */
    void workerAbandoned() {
        boolean start;
        synchronized (this) {
            running--;
            start = claimWorker();
        }
        if (start) {
            bus.startWorker(this);
        }
    }

    /** A worker could not be started (the executor is shut down). */
    synchronized void workerNotStarted() {
        running--;
    }

    private void completeLocked(Delivery d) {
        pending--;
        slots.release();
        if (d.key != null && !stopped) {
            ArrayDeque<Delivery> waiting = busyKeys.get(d.key);
            Delivery next = waiting == null ? null : waiting.pollFirst();
            if (next == null) {
                busyKeys.remove(d.key);
            } else {
                ready.addLast(next);
            }
        }
        if (pending == 0) {
            notifyAll();
        }
    }

    private @Nullable Delivery nextOrRetire(Worker w) {
        if (!stopped && running <= maxConcurrency) {
            Delivery d = ready.pollFirst();
            if (d != null) {
                return d;
            }
        }
        running--;
        bus.workerRetired(w);
        return null;
    }

    private boolean claimWorker() {
        if (!stopped && running < maxConcurrency && !ready.isEmpty()) {
            running++;
            return true;
        }
        return false;
    }

    private void dropOne() {
        pending--;
        slots.release();
        if (pending == 0) {
            notifyAll();
        }
    }

    /**
     * Stops the group: queued deliveries are dropped; in-flight ones finish and are then forgotten.
     *
     * @return how many queued deliveries were dropped
     */
    synchronized int stop() {
        if (stopped) {
            return 0;
        }
        stopped = true;
        int dropped = ready.size();
        for (Map.Entry<String, @Nullable ArrayDeque<Delivery>> e : busyKeys.entrySet()) {
            if (e.getValue() != null) {
                dropped += e.getValue().size();
            }
        }
        ready.clear();
        busyKeys.clear();
        pending -= dropped;
        slots.release(dropped);
        if (pending == 0) {
            notifyAll();
        }
        return dropped;
    }

    synchronized boolean isStopped() {
        return stopped;
    }

    /** @return deliveries accepted and not yet completed */
    synchronized int pending() {
        return pending;
    }

    /**
     * Waits until no delivery is pending.
     *
     * @return whether none is pending
     */
    synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (pending > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
