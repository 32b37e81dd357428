package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.events.RetryPolicy;
import dev.adxcore.platform.events.internal.BusMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine of one bus: a cached pool of handler threads (daemon), a timer for retries, a watchdog
 * that interrupts handler calls past their timeout, and the meters. Lanes ({@link Lanes}) run on it. The
 * watchdog sleeps until the earliest deadline of the calls in progress (at most the shortest handler timeout
 * it has seen, at most 1 s), so an idle engine wakes about once a second. Thread-safe. An expensive resource
 * (a thread pool and two threads): one per bus, shut down with it. Internal.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final long MAX_WATCH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String name;
    private final BusMetrics metrics;
    private final ExecutorService handlers;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final Thread watchdog;
    private volatile long shortestTimeoutNanos = MAX_WATCH_NANOS;
    private volatile boolean shutdown;

    /**
     * Creates and starts an engine.
     *
     * @param name the bus's name, for thread names ({@code <name>-handler-N})
     * @param transport the transport tag of every meter
     * @param registry where meters go
     */
    public Engine(String name, String transport, MeterRegistry registry) {
        this.name = name;
        this.metrics = new BusMetrics(registry, transport);
        this.handlers = Executors.newCachedThreadPool(threads(name + "-handler-"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads(name + "-timer-"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.watchdog = threads(name + "-watchdog-").newThread(this::watch);
        watchdog.start();
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> log.error("Uncaught exception in {}", thread.getName(), e));
            return t;
        };
    }

    /** @return the bus's meters */
    public BusMetrics metrics() {
        return metrics;
    }

    /** @return the bus's name */
    public String name() {
        return name;
    }

    void registered(Member m) {
        long t = Math.max(MIN_WATCH_NANOS, m.timeoutNanos);
        if (t < shortestTimeoutNanos) {
            shortestTimeoutNanos = t;
            LockSupport.unpark(watchdog);
        }
    }

    // ------------------------------------------------------------------ workers

    void startWorker(Lanes lanes) {
        Worker w = new Worker(lanes);
        workers.add(w);
        try {
            handlers.execute(w);
        } catch (RejectedExecutionException e) {
            workers.remove(w);
            lanes.workerNotStarted();
        }
    }

    void workerRetired(Worker w) {
        workers.remove(w);
    }

    /** Runs a task on a handler thread; false when the engine is shut down. */
    boolean execute(Runnable task) {
        try {
            handlers.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void watch() {
        while (!shutdown) {
            long wait;
            try {
                wait = watchOnce();
            } catch (RuntimeException e) {
                log.warn("Handler timeout watchdog of {} failed (it continues)", name, e);
                wait = TimeUnit.MILLISECONDS.toNanos(10);
            }
            LockSupport.parkNanos(this, wait);
        }
    }

    /** One round of the watchdog; returns how long it may sleep. */
    private long watchOnce() {
        long now = System.nanoTime();
        long wait = Math.min(MAX_WATCH_NANOS, shortestTimeoutNanos);
        for (Worker w : workers) {
            Attempt a = w.current;
            if (a == null) {
                continue;
            }
            long left = a.deadlineNanos - now;
            if (left > 0) {
                wait = Math.min(wait, left);
                continue;
            }
            if (!a.takeOver(Attempt.TIMED_OUT)) {
                continue;
            }
            workers.remove(w);
            Lanes lanes = w.lanes;
            lanes.workerAbandoned(w);
            Duration timeout = a.member.subscription.handlerTimeout();
            lanes.meters.failed(now - a.startNanos, true);
            log.warn(
                    "Handler of subscription {} did not finish event {} within {}: interrupted",
                    lanes.id,
                    a.delivery.event.id(),
                    timeout);
            TimeoutException failure = new TimeoutException("handler did not finish within handlerTimeout " + timeout);
            if (!execute(() -> onFailure(lanes, a.member, a.delivery, failure))) {
                lanes.release(a.delivery);
            }
        }
        return Math.max(MIN_WATCH_NANOS, wait);
    }

    /** Interrupts the running calls of the lanes (the consumer is closing); their deliveries are released. */
    void interruptRunning(Lanes lanes) {
        for (Worker w : workers) {
            Attempt a = w.current;
            if (w.lanes == lanes && a != null) {
                a.takeOver(Attempt.STOPPED);
            }
        }
    }

    // ------------------------------------------------------------------ failures and dead letters

    /**
     * Decides what happens after a failed attempt: another attempt after the policy's backoff, or the dead
     * letters. A revoked delivery, or one of stopped lanes, is released instead.
     */
    void onFailure(Lanes lanes, Member m, Delivery d, Throwable failure) {
        Instant now = Instant.now();
        if (d.firstFailure == null) {
            d.firstFailure = now;
        }
        d.lastFailure = now;
        if (d.revoked || lanes.stopping()) {
            lanes.release(d); // it is delivered again (another consumer, or after a restart)
            return;
        }
        RetryPolicy policy = m.subscription.retryPolicy();
        if (!(failure instanceof NonRetryableEventException) && policy.allowsAnotherAttempt(d.attempts)) {
            lanes.meters.retried(d.event.type());
            Duration backoff = policy.backoff(d.attempts);
            log.debug(
                    "Subscription {} failed event {} (attempt {}), retrying in {}: {}",
                    lanes.id,
                    d.event.id(),
                    d.attempts,
                    backoff,
                    failure.toString());
            later(lanes, d, backoff.toNanos());
            return;
        }
        deadLetter(lanes, m, d, failure);
    }

    /** Builds the dead letter of a delivery that failed for the last time and stores it. */
    void deadLetter(Lanes lanes, Member m, Delivery d, Throwable failure) {
        Instant first = d.firstFailure == null ? Instant.now() : d.firstFailure;
        Instant last = d.lastFailure == null ? first : d.lastFailure;
        DeadLetter dl = new DeadLetter(
                d.event,
                lanes.id,
                failure.getClass().getName(),
                failure.getMessage(),
                Math.max(1, d.attempts),
                first,
                last);
        storeDeadLetter(lanes, d, dl);
    }

    /**
     * Stores a dead letter through the lanes' sink, then tells the subscription's dead-letter handler and
     * acknowledges. When storing fails it is tried again after a backoff (100 ms doubling to 5 s), the
     * delivery keeping its key, until it succeeds or the lanes stop.
     */
    void storeDeadLetter(Lanes lanes, Delivery d, DeadLetter dl) {
        if (d.revoked || lanes.stopping()) {
            lanes.release(d);
            return;
        }
        try {
            lanes.sinkDeadLetter(d, dl);
        } catch (Throwable t) {
            int failures = ++d.deadLetterFailures;
            lanes.meters.consumerError();
            if (failures == 1 || failures % 20 == 0) {
                log.warn(
                        "Subscription {}: could not store the dead letter of event {} ({} time(s) in a row); it"
                                + " stays unacknowledged and is tried again: {}",
                        lanes.id,
                        d.event.id(),
                        failures,
                        t.toString());
            }
            d.pendingDeadLetter = dl;
            later(lanes, d, TimeUnit.MILLISECONDS.toNanos(Math.min(5000, 100L << Math.min(failures - 1, 6))));
            return;
        }
        d.pendingDeadLetter = null;
        lanes.meters.deadLettered(d.event.type());
        Member any = d.member != null ? d.member : lanes.anyMember();
        if (any != null) {
            try {
                any.subscription.deadLetterHandler().onDeadLetter(dl);
            } catch (Throwable t) {
                log.warn(
                        "Dead-letter handler of subscription {} failed for event {} (ignored): {}",
                        lanes.id,
                        d.event.id(),
                        t.toString());
            }
        }
        lanes.acknowledge(d);
    }

    private void later(Lanes lanes, Delivery d, long nanos) {
        d.waitingForRetry = true;
        if (nanos <= 0) {
            lanes.requeue(d);
            return;
        }
        try {
            timer.schedule(() -> lanes.requeue(d), nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            d.waitingForRetry = false;
            lanes.release(d); // the engine is shutting down
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Stops the threads; lanes must have been stopped first. Idempotent. */
    public void shutdown() {
        shutdown = true;
        LockSupport.unpark(watchdog);
        timer.shutdownNow();
        handlers.shutdownNow();
    }

    /** @return whether {@link #shutdown()} was called */
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public String toString() {
        return "Engine{" + name + ", transport=" + metrics.transport() + '}';
    }
}
