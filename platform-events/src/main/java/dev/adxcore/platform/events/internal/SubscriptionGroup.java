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
import java.util.concurrent.locks.LockSupport;
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
    /** How long a worker with nothing to do spins before parking (it is woken without a thread hand-off). */
    private static final long SPIN_NANOS = 20_000;
    /** Returned by {@link #wakeOrClaim} for "start a new worker". */
    private static final Worker START = new Worker();
    /** How long a parked worker waits for work before its thread goes back to the pool. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

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
    private final AtomicInteger pending = new AtomicInteger(); // changed under the lock, except decrements
    private boolean stopped;
    /** Mirrors {@code stopped} for workers between deliveries of a batch. */
    private volatile boolean stopping;
    /** Workers parked for lack of ready deliveries (they count in {@code running}). */
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    /** Ready deliveries, for spinning workers to watch without the lock; written under the lock. */
    private volatile int readyCount;

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
        @Nullable Worker wake;
        synchronized (this) {
            if (stopped) {
                slots.release();
                return false;
            }
            pending.incrementAndGet();
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
            readyCount = ready.size();
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
        return true;
    }

    /** Puts a delivery that waited for its retry back at the head of the queue (its key is still held). */
    void requeue(Delivery d) {
        @Nullable Worker wake;
        synchronized (this) {
            if (stopped) {
                dropOne();
                return;
            }
            ready.addFirst(d);
            readyCount = ready.size();
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
    }

    /**
     * Completes a delivery its worker handled or dropped. A delivery without a key needs no lock; one with a
     * key makes the key's next delivery ready.
     */
    void completed(Delivery d) {
        if (d.key == null) {
            slots.release();
            if (pending.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
        } else {
            complete(d);
        }
    }

    /** Whether the group was stopped: a worker drops the rest of its batch. */
    boolean stopping() {
        return stopping;
    }

    /** Completes a delivery outside a worker (after a timeout or a failed schedule). */
    void complete(Delivery d) {
        @Nullable Worker wake;
        synchronized (this) {
            completeLocked(d);
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
    }

    /**
     * A worker was abandoned to a hanging handler: the deliveries of its batch it had not started go back to
     * the head of the queue, and its place is freed so that another can run.
     */
    void workerAbandoned(Worker w) {
        @Nullable Worker wake;
        synchronized (this) {
            running--;
            for (int i = w.batchSize - 1; i >= w.cursor; i--) {
                Delivery d = w.batch[i];
                w.batch[i] = null;
                if (stopped) {
                    dropOne();
                } else if (d != null) {
                    ready.addFirst(d);
                }
            }
            w.cursor = w.batchSize;
            readyCount = ready.size();
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
    }

    /** A worker could not be started (the executor is shut down). */
    synchronized void workerNotStarted() {
        running--;
    }

    private void completeLocked(Delivery d) {
        slots.release();
        int left = pending.decrementAndGet();
        if (d.key != null && !stopped) {
            ArrayDeque<Delivery> waiting = busyKeys.get(d.key);
            Delivery next = waiting == null ? null : waiting.pollFirst();
            if (next == null) {
                busyKeys.remove(d.key);
            } else {
                ready.addLast(next);
                readyCount = ready.size();
            }
        }
        if (left == 0) {
            notifyAll();
        }
    }

    /**
     * Fills the worker's batch: false with the worker retired when the group is stopped or has too many
     * workers; false with the worker still counted in {@code running} when nothing is ready.
     */
    private boolean fillLocked(Worker w) {
        if (!stopped && running <= maxConcurrency) {
            int n = ready.size();
            if (n == 0) {
                return false;
            }
            // A batch only when this is the group's one worker: with several, a delivery queued behind a slow
            // one in a batch would wait although another worker is free.
            int take = maxConcurrency == 1 ? Math.min(Worker.BATCH, n) : 1;
            for (int i = 0; i < take; i++) {
                w.batch[i] = ready.pollFirst();
            }
            w.batchSize = take;
            w.cursor = 0;
            readyCount = ready.size();
            return true;
        }
        retireLocked(w);
        return false;
    }

    /**
     * Fills the worker's batch with ready deliveries, or waits for some (see {@link #awaitNext}).
     *
     * @return false when the worker is retired
     */
    boolean fill(Worker w) {
        synchronized (this) {
            if (fillLocked(w)) {
                return true;
            }
        }
        return awaitNext(w);
    }

    private void retireLocked(Worker w) {
        running--;
        w.retired = true;
        bus.workerRetired(w);
    }

    /**
     * Waits for the next delivery of a worker that found none: spins a little, then parks until a
     * delivery wakes it or {@link #IDLE_NANOS} pass (then the worker retires and false is returned).
     */
    private boolean awaitNext(Worker w) {
        if (w.retired) {
            return false;
        }
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        for (int i = 1; readyCount == 0; i++) {
            if ((i & 15) == 0) {
                if (System.nanoTime() - spinUntil >= 0) {
                    break;
                }
                Thread.yield(); // on a busy machine, let the publisher have the core
            } else {
                Thread.onSpinWait();
            }
        }
        long deadline = System.nanoTime() + IDLE_NANOS;
        synchronized (this) {
            if (fillLocked(w)) {
                return true;
            }
            if (w.retired) {
                return false;
            }
            w.signaled = false;
            idle.addLast(w);
        }
        while (true) {
            LockSupport.parkNanos(this, deadline - System.nanoTime());
            Thread.interrupted(); // an interrupt meant for an earlier handler call; this thread is ours
            synchronized (this) {
                boolean timedOut = System.nanoTime() - deadline >= 0;
                if (!w.signaled && !timedOut && !stopped) {
                    continue; // spurious wake-up
                }
                if (!w.signaled) {
                    idle.remove(w);
                }
                if (fillLocked(w)) {
                    return true;
                }
                if (w.retired) {
                    return false;
                }
                if (timedOut) {
                    retireLocked(w);
                    return false;
                }
                w.signaled = false; // woken, but another worker took the delivery
                idle.addLast(w);
            }
        }
    }

    /**
     * After a delivery became ready: picks a parked worker to wake, or claims a place for a new one.
     *
     * @return the parked worker to unpark, {@link #START} to start a new one, or null
     */
    private @Nullable Worker wakeOrClaim() {
        if (stopped || ready.isEmpty()) {
            return null;
        }
        Worker w = idle.pollFirst();
        if (w != null) {
            w.signaled = true;
            return w;
        }
        if (running < maxConcurrency) {
            running++;
            return START;
        }
        return null;
    }

    private void startOrUnpark(@Nullable Worker w) {
        if (w == START) {
            bus.startWorker(this);
        } else if (w != null) {
            LockSupport.unpark(w.thread);
        }
    }

    private void dropOne() {
        slots.release();
        if (pending.decrementAndGet() == 0) {
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
        stopping = true;
        int dropped = ready.size();
        for (Map.Entry<String, @Nullable ArrayDeque<Delivery>> e : busyKeys.entrySet()) {
            if (e.getValue() != null) {
                dropped += e.getValue().size();
            }
        }
        ready.clear();
        readyCount = 0;
        busyKeys.clear();
        int left = pending.addAndGet(-dropped);
        for (Worker w : idle) {
            w.signaled = true;
            LockSupport.unpark(w.thread);
        }
        idle.clear();
        slots.release(dropped);
        if (left == 0) {
            notifyAll();
        }
        return dropped;
    }

    synchronized boolean isStopped() {
        return stopped;
    }

    /** @return deliveries accepted and not yet completed */
    int pending() {
        return pending.get();
    }

    /**
     * Waits until no delivery is pending.
     *
     * @return whether none is pending
     */
    synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (pending.get() > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
