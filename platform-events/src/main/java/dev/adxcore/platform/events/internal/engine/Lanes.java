package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.internal.BusMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries of one subscription in one consumer (in the in-memory bus: of all consumers of an id), and
 * the workers that run them: the engine's unit of ordering and concurrency.
 *
 * <p>Ordering: a delivery whose key (aggregate id) is in flight (running, or waiting for a retry) waits in that
 * key's queue; the key's next delivery becomes ready only when the one in flight completes. Deliveries without
 * a key are ready at once. At most {@code maxConcurrency} workers (the sum of the members' concurrency, or the
 * consumer's) take ready deliveries. A retry waits on the engine's timer, not on a worker, so other keys go on.
 *
 * <p>Every delivery ends in exactly one {@link Sink#acknowledge} or {@link Sink#release}. Thread-safe (one lock per
 * lanes). Costs memory per queued delivery and borrows the engine's handler threads; it owns no thread. Internal.
 */
public final class Lanes {

    private static final Logger log = LoggerFactory.getLogger(Lanes.class);
    private static final Member[] NO_MEMBERS = new Member[0];
    /** How long a worker with nothing to do spins before parking (it is woken without a thread hand-off). */
    private static final long SPIN_NANOS = 20_000;
    /** Returned by {@link #wakeOrClaim} for "start a new worker". */
    private static final Worker START = new Worker();
    /** How long a parked worker waits for work before its thread goes back to the pool. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    final String id;
    final Engine engine;
    final BusMetrics.SubscriptionMeters meters;
    private final Sink sink;
    private final boolean trackStarted;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile Member[] members = NO_MEMBERS;
    private volatile @Nullable Runnable onCompletion;

    // guarded by this
    private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    private final HashMap<String, @Nullable ArrayDeque<Delivery>> busyKeys = new HashMap<>();
    /** Taken by a worker or waiting for a retry; only kept when revocable. */
    private final HashSet<Delivery> started = new HashSet<>();

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

    /**
     * @param engine the engine whose workers, timer and watchdog run the deliveries
     * @param id the subscription id
     * @param sink where outcomes go
     * @param revocable whether {@link #revoke} will be used (tracks started deliveries)
     */
    public Lanes(Engine engine, String id, Sink sink, boolean revocable) {
        this.engine = engine;
        this.id = id;
        this.sink = sink;
        this.trackStarted = revocable;
        this.meters = engine.metrics().forSubscription(id);
    }

    /** @param r called (on the completing thread) after each delivery completes; for flow control */
    public void onCompletion(@Nullable Runnable r) {
        this.onCompletion = r;
    }

    /** @return the subscription id */
    public String id() {
        return id;
    }

    /** @return the meters of the subscription */
    public BusMetrics.SubscriptionMeters meters() {
        return meters;
    }

    // ------------------------------------------------------------------ members

    /**
     * @param event an event
     * @return whether any member wants it
     */
    public boolean wants(Event event) {
        for (Member m : members) {
            if (m.subscription.matches(event)) {
                return true;
            }
        }
        return false;
    }

    /** Round robin over the members that want the event; null when none does. */
    @Nullable
    Member pick(Event event) {
        Member[] ms = members;
        int n = ms.length;
        if (n == 1) {
            return ms[0].subscription.matches(event) ? ms[0] : null;
        }
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(roundRobin.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Member m = ms[(start + i) % n];
            if (m.subscription.matches(event)) {
                return m;
            }
        }
        return null;
    }

    /** Any member, for replayed dead letters (whatever their type) and rejected records. */
    @Nullable
    Member anyMember() {
        Member[] ms = members;
        return ms.length == 0 ? null : ms[Math.floorMod(roundRobin.getAndIncrement(), ms.length)];
    }

    /**
     * Adds a member and its concurrency.
     *
     * @param m the member
     * @param concurrency how many more workers may run
     */
    public synchronized void addMember(Member m, int concurrency) {
        List<Member> list = new ArrayList<>(List.of(members));
        list.add(m);
        members = list.toArray(NO_MEMBERS);
        maxConcurrency += concurrency;
        engine.registered(m);
    }

    /**
     * @param m the member
     * @param concurrency what {@link #addMember} added
     * @return true when no member is left
     */
    public synchronized boolean removeMember(Member m, int concurrency) {
        List<Member> list = new ArrayList<>(List.of(members));
        if (list.remove(m)) {
            maxConcurrency -= concurrency;
            members = list.toArray(NO_MEMBERS);
        }
        return members.length == 0;
    }

    /** @return the members, a snapshot */
    public Member[] members() {
        return members;
    }

    // ------------------------------------------------------------------ intake and outcomes

    /**
     * Queues a delivery; when the lanes are stopped it is released at once.
     *
     * @param d the delivery
     * @return false when it was released because the lanes are stopped
     */
    public boolean submit(Delivery d) {
        @Nullable Worker wake;
        synchronized (this) {
            if (stopped) {
                wake = null;
            } else {
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
                if (wake == null) {
                    return true;
                }
            }
        }
        if (wake == null) {
            safeRelease(d); // the lanes are stopped
            return false;
        }
        startOrUnpark(wake);
        return true;
    }

    /** Puts a delivery that waited for its retry back at the head of the queue (its key is still held). */
    void requeue(Delivery d) {
        @Nullable Worker wake;
        boolean requeued;
        synchronized (this) {
            d.waitingForRetry = false;
            requeued = !stopped && !d.revoked;
            if (requeued) {
                if (trackStarted) {
                    started.remove(d);
                }
                ready.addFirst(d);
                readyCount = ready.size();
            }
            wake = requeued ? wakeOrClaim() : null;
        }
        if (!requeued) {
            release(d);
            return;
        }
        startOrUnpark(wake);
    }

    /** Acknowledges through the sink, then completes. */
    void acknowledge(Delivery d) {
        try {
            sink.acknowledge(d);
        } catch (RuntimeException e) {
            log.warn("Subscription {}: acknowledging event {} failed (it may be delivered again)", id, d.event.id(), e);
        }
        completed(d);
    }

    /** Releases through the sink, then completes. */
    void release(Delivery d) {
        safeRelease(d);
        completed(d);
    }

    private void safeRelease(Delivery d) {
        try {
            sink.release(d);
        } catch (RuntimeException e) {
            log.warn("Subscription {}: releasing event {} failed", id, d.event.id(), e);
        }
    }

    void sinkDeadLetter(Delivery d, dev.adxcore.platform.events.DeadLetter letter) throws Exception {
        sink.deadLetter(d, letter);
    }

    /** Whether the lanes were stopped: a worker releases the rest of its batch. */
    boolean stopping() {
        return stopping;
    }

    /**
     * Completes a delivery. One without a key needs no lock (unless revocable); one with a key makes the key's
     * next delivery ready.
     */
    private void completed(Delivery d) {
        if (d.key == null && !trackStarted) {
            if (pending.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
        } else {
            @Nullable Worker wake;
            synchronized (this) {
                completeLocked(d);
                wake = wakeOrClaim();
            }
            startOrUnpark(wake);
        }
        Runnable r = onCompletion;
        if (r != null) {
            r.run();
        }
    }

    private void completeLocked(Delivery d) {
        int left = pending.decrementAndGet();
        if (trackStarted && started.remove(d)) {
            notifyAll(); // a revoke may be waiting for it
        }
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

    // ------------------------------------------------------------------ workers

    /**
     * A worker was abandoned to a hanging handler: the deliveries of its batch it had not started go back to
     * the head of the queue, and its place is freed so that another can run.
     */
    void workerAbandoned(Worker w) {
        @Nullable Worker wake;
        List<Delivery> dropped = null;
        synchronized (this) {
            running--;
            for (int i = w.batchSize - 1; i >= w.cursor; i--) {
                Delivery d = w.batch[i];
                w.batch[i] = null;
                if (d == null) {
                    continue;
                }
                if (stopped) {
                    if (dropped == null) {
                        dropped = new ArrayList<>();
                    }
                    dropped.add(d);
                } else {
                    if (trackStarted) {
                        started.remove(d);
                    }
                    ready.addFirst(d);
                }
            }
            w.cursor = w.batchSize;
            readyCount = ready.size();
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
        if (dropped != null) {
            for (Delivery d : dropped) {
                release(d);
            }
        }
    }

    /** A worker could not be started (the engine is shut down). */
    synchronized void workerNotStarted() {
        running--;
    }

    private boolean fillLocked(Worker w) {
        if (!stopped && running <= maxConcurrency) {
            int n = ready.size();
            if (n == 0) {
                return false;
            }
            // A batch only with a single worker: with several, a delivery queued behind a slow one in a batch
            // would wait although another worker is free.
            int take = maxConcurrency == 1 ? Math.min(Worker.BATCH, n) : 1;
            for (int i = 0; i < take; i++) {
                Delivery d = ready.pollFirst();
                w.batch[i] = d;
                if (trackStarted) {
                    started.add(d);
                }
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
     * Fills the worker's batch with ready deliveries, or waits for some.
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
        engine.workerRetired(w);
    }

    /**
     * Waits for the next delivery of a worker that found none: spins a little, then parks until a delivery
     * wakes it or {@link #IDLE_NANOS} pass (then the worker retires and false is returned).
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

    /** Picks a parked worker to wake, or claims a place for a new one; null when neither is needed. */
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

    /** Starts a worker for a claimed place, or unparks a worker; called outside the lock. */
    private void startOrUnpark(@Nullable Worker w) {
        if (w == START) {
            engine.startWorker(this);
        } else if (w != null) {
            LockSupport.unpark(w.thread);
        }
    }

    // ------------------------------------------------------------------ stop and revoke

    /**
     * Stops the lanes: queued deliveries are released; running ones finish (and are acknowledged or
     * released); ones waiting for a retry are released when their timer fires. Idempotent.
     *
     * @return how many queued deliveries were released
     */
    public int stop() {
        List<Delivery> dropped = new ArrayList<>();
        synchronized (this) {
            if (stopped) {
                return 0;
            }
            stopped = true;
            stopping = true;
            dropped.addAll(ready);
            for (Map.Entry<String, @Nullable ArrayDeque<Delivery>> e : busyKeys.entrySet()) {
                if (e.getValue() != null) {
                    dropped.addAll(e.getValue());
                }
            }
            ready.clear();
            readyCount = 0;
            busyKeys.clear();
            for (Worker w : idle) {
                w.signaled = true;
                LockSupport.unpark(w.thread);
            }
            idle.clear();
        }
        for (Delivery d : dropped) {
            release(d);
        }
        return dropped.size();
    }

    /**
     * Gives back the matching deliveries: queued ones and ones waiting for a retry are released (now or when
     * their timer fires); running ones are marked (a failure releases them instead of retrying) and waited for.
     *
     * @param which which deliveries
     * @param waitNanos how long to wait for running ones
     * @return whether none of them is still running
     */
    public boolean revoke(Predicate<Delivery> which, long waitNanos) {
        if (!trackStarted) {
            throw new IllegalStateException("these lanes were not created revocable");
        }
        List<Delivery> dropped = new ArrayList<>();
        long deadline = System.nanoTime() + waitNanos;
        synchronized (this) {
            for (Iterator<Delivery> it = ready.iterator(); it.hasNext(); ) {
                Delivery d = it.next();
                if (which.test(d)) {
                    it.remove();
                    d.revoked = true;
                    dropped.add(d);
                }
            }
            for (Iterator<Map.Entry<String, @Nullable ArrayDeque<Delivery>>> it =
                            busyKeys.entrySet().iterator();
                    it.hasNext(); ) {
                ArrayDeque<Delivery> waiting = it.next().getValue();
                if (waiting != null) {
                    waiting.removeIf(d -> {
                        if (which.test(d)) {
                            d.revoked = true;
                            dropped.add(d);
                            return true;
                        }
                        return false;
                    });
                }
            }
            for (Delivery d : started) {
                if (which.test(d)) {
                    d.revoked = true;
                }
            }
            // Keys whose holder was taken out of the queue: their next delivery (not revoked) becomes ready.
            for (Delivery d : dropped) {
                if (d.key != null && !started.contains(d)) {
                    fixKeyLocked(d.key);
                }
            }
            readyCount = ready.size();
        }
        for (Delivery d : dropped) {
            safeRelease(d);
            decrementPending();
        }
        @Nullable Worker wake;
        synchronized (this) {
            wake = wakeOrClaim();
        }
        startOrUnpark(wake);
        synchronized (this) {
            while (true) {
                boolean runningLeft = false;
                for (Delivery d : started) {
                    if (d.revoked && !d.waitingForRetry) {
                        runningLeft = true;
                        break;
                    }
                }
                long left = deadline - System.nanoTime();
                if (!runningLeft) {
                    return true;
                }
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** After the key's holder was removed: nothing of the key in flight any more unless a running one holds it. */
    private void fixKeyLocked(String key) {
        for (Delivery s : started) {
            if (key.equals(s.key)) {
                return; // held by a running (or retrying) delivery, which promotes the next one when it completes
            }
        }
        for (Delivery r : ready) {
            if (key.equals(r.key)) {
                return;
            }
        }
        ArrayDeque<Delivery> waiting = busyKeys.get(key);
        Delivery next = waiting == null ? null : waiting.pollFirst();
        if (next == null) {
            busyKeys.remove(key);
        } else {
            ready.addLast(next);
        }
    }

    private void decrementPending() {
        if (pending.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
        Runnable r = onCompletion;
        if (r != null) {
            r.run();
        }
    }

    /** @return whether {@link #stop()} was called */
    public synchronized boolean isStopped() {
        return stopped;
    }

    /** @return deliveries accepted and not yet completed */
    public int pending() {
        return pending.get();
    }

    /**
     * Waits until no delivery is pending.
     *
     * @param deadlineNanos until when ({@link System#nanoTime()})
     * @return whether none is pending
     * @throws InterruptedException when interrupted
     */
    public synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (pending.get() > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Interrupts the running handler calls of these lanes; their deliveries are released, not failed. */
    public void interruptRunning() {
        engine.interruptRunning(this);
    }
}
