package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.events.RetryPolicy;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link EventBus}: delivery inside one JVM, for development, tests and single-process
 * services. Opened with {@code EventBuses.open("memory:")}; each open creates an independent
 * bus. See {@link MemoryBusConfig} for the URI parameters.
 *
 * <p>Handlers run on a cached pool of daemon threads; a retry waits on a timer, never on a handler
 * thread; a watchdog ticking every {@value #WATCHDOG_TICK_MS} ms interrupts handler calls past their
 * timeout and hands their place to a fresh thread. Events are not persisted: what is queued when the
 * process dies is lost. Internal: users go through {@link EventBus}.
 */
public final class InMemoryEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(InMemoryEventBus.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);
    private static final AtomicInteger BUS_NUMBERS = new AtomicInteger();
    static final long WATCHDOG_TICK_MS = 10;
    private static final SubscriptionGroup[] NO_GROUPS = new SubscriptionGroup[0];

    private final String name;
    private final EventBusOptions options;
    private final MemoryBusConfig config;
    private final BusMetrics metrics;
    private final ExecutorService handlers;
    private final ScheduledExecutorService timer;
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, SubscriptionGroup> groups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeadLetterStore> deadLetters = new ConcurrentHashMap<>();
    private final Object registryLock = new Object();
    private volatile SubscriptionGroup[] groupSnapshot = NO_GROUPS;
    private volatile boolean closed;
    private boolean terminated; // guarded by this
    private boolean drainedAtClose; // guarded by this

    /**
     * Creates and starts a bus.
     *
     * @param options transport-independent settings
     * @param config the in-memory settings
     */
    public InMemoryEventBus(EventBusOptions options, MemoryBusConfig config) {
        this.options = Objects.requireNonNull(options, "options");
        this.config = Objects.requireNonNull(config, "config");
        this.name = "memory-" + BUS_NUMBERS.incrementAndGet();
        this.metrics = new BusMetrics(options.meterRegistry(), "memory");
        this.handlers = Executors.newCachedThreadPool(threads(name + "-handler-"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads(name + "-timer-"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        timer.scheduleWithFixedDelay(this::watchdog, WATCHDOG_TICK_MS, WATCHDOG_TICK_MS, TimeUnit.MILLISECONDS);
        log.info("In-memory event bus {} started (capacity {} per subscription, whenFull={}, deadLetterCapacity {})",
                name, config.capacity(), config.blockWhenFull() ? "block" : "fail", config.deadLetterCapacity());
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public CompletionStage<Void> publish(Event event) {
        Objects.requireNonNull(event, "event");
        requireOpen("publish");
        EventSize.requireWithin(event, options.maxEventBytes());
        return dispatch(event);
    }

    /** Validates every event first, so that an invalid one means none is published. */
    @Override
    public CompletionStage<Void> publishAll(List<Event> events) {
        Objects.requireNonNull(events, "events");
        requireOpen("publish");
        for (Event e : events) {
            EventSize.requireWithin(Objects.requireNonNull(e, "event"), options.maxEventBytes());
        }
        for (Event e : events) {
            CompletionStage<Void> stage = dispatch(e);
            if (stage != DONE) {
                return stage;
            }
        }
        return DONE;
    }

    private CompletionStage<Void> dispatch(Event event) {
        SubscriptionGroup[] all = groupSnapshot;
        SubscriptionGroup[] matched = all.length == 0 ? NO_GROUPS : new SubscriptionGroup[all.length];
        int n = 0;
        for (SubscriptionGroup g : all) {
            if (g.wants(event)) {
                matched[n++] = g;
            }
        }
        long deadline = 0;
        boolean deadlineSet = false;
        for (int i = 0; i < n; i++) {
            SubscriptionGroup g = matched[i];
            if (g.slots.tryAcquire()) {
                continue;
            }
            if (!deadlineSet) {
                deadline = System.nanoTime() + options.publishTimeout().toNanos();
                deadlineSet = true;
            }
            boolean reserved;
            try {
                reserved = g.reserve(config.blockWhenFull(), deadline - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                release(matched, i);
                return CompletableFuture.failedStage(new EventPublishException("interrupted while waiting for room in "
                        + "the buffer of subscription '" + g.id + "'", e));
            }
            if (!reserved) {
                release(matched, i);
                metrics.rejected("full");
                return CompletableFuture.failedStage(new EventPublishException("the in-memory buffer of subscription '"
                        + g.id + "' is full (" + g.capacity + " events" + (config.blockWhenFull()
                        ? ", waited " + options.publishTimeout() : "") + "): its consumers are slower than the "
                        + "publishers; raise the capacity (memory:?capacity=...) or speed up the handler"));
            }
        }
        for (int i = 0; i < n; i++) {
            matched[i].enqueue(new Delivery(event, false));
        }
        metrics.published(event.type());
        return DONE;
    }

    private static void release(SubscriptionGroup[] groups, int count) {
        for (int i = 0; i < count; i++) {
            groups[i].slots.release();
        }
    }

    private void requireOpen(String what) {
        if (closed) {
            metrics.rejected("closed");
            throw new EventPublishException("the in-memory event bus " + name + " is closed: cannot " + what);
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public Subscription subscribe(EventSubscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        requireOpen("subscribe '" + subscription.id() + "'");
        Consumer consumer;
        synchronized (registryLock) {
            SubscriptionGroup group = groups.computeIfAbsent(subscription.id(), id -> new SubscriptionGroup(this, id,
                    config.capacity(), metrics.forSubscription(id)));
            consumer = new Consumer(this, group, subscription);
            group.addConsumer(consumer);
            groupSnapshot = groups.values().toArray(NO_GROUPS);
        }
        log.info("Subscribed {} on event bus {} (consumers of this id: {})", subscription, name,
                consumer.group.consumers().length);
        return consumer;
    }

    @Override
    public boolean unsubscribe(String subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        SubscriptionGroup group;
        synchronized (registryLock) {
            group = groups.remove(subscriptionId);
            if (group == null) {
                return false;
            }
            groupSnapshot = groups.values().toArray(NO_GROUPS);
        }
        for (Consumer c : group.consumers()) {
            c.deactivate();
        }
        stopGroup(group);
        return true;
    }

    void removeConsumer(Consumer consumer) {
        SubscriptionGroup group = consumer.group;
        boolean last;
        synchronized (registryLock) {
            last = group.removeConsumer(consumer);
            if (last && groups.remove(group.id, group)) {
                groupSnapshot = groups.values().toArray(NO_GROUPS);
            }
        }
        if (last) {
            stopGroup(group);
        } else {
            log.info("Closed one consumer of subscription {} on event bus {}", group.id, name);
        }
    }

    private void stopGroup(SubscriptionGroup group) {
        int dropped = group.stop();
        if (dropped > 0) {
            log.warn("Unsubscribed {} from event bus {}: {} queued event(s) were not delivered", group.id, name, dropped);
        } else {
            log.info("Unsubscribed {} from event bus {}", group.id, name);
        }
    }

    // ---------------------------------------------------------------- workers and failures

    void startWorker(SubscriptionGroup group) {
        Worker w = new Worker(this, group);
        workers.add(w);
        try {
            handlers.execute(w);
        } catch (RejectedExecutionException e) {
            workers.remove(w);
            group.workerNotStarted();
        }
    }

    void workerRetired(Worker w) {
        workers.remove(w);
    }

    private void watchdog() {
        long now = System.nanoTime();
        for (Worker w : workers) {
            Attempt a = w.current;
            if (a != null && now - a.deadlineNanos >= 0 && a.timeOut()) {
                workers.remove(w);
                w.group.workerAbandoned(w);
                Duration timeout = a.consumer.subscription.handlerTimeout();
                w.group.meters.failed(a.consumer.timeoutNanos, true);
                log.warn("Handler of subscription {} did not finish event {} within {}: interrupted", w.group.id,
                        a.delivery.event.id(), timeout);
                TimeoutException failure = new TimeoutException("handler did not finish within " + timeout);
                try {
                    handlers.execute(() -> onFailure(w.group, a.consumer, a.delivery, failure));
                } catch (RejectedExecutionException e) {
                    w.group.complete(a.delivery);
                }
            }
        }
    }

    /**
     * Decides what happens after a failed attempt: another attempt after the policy's backoff, or the dead
     * letters. Runs on a handler thread.
     */
    void onFailure(SubscriptionGroup group, Consumer consumer, Delivery d, Throwable failure) {
        Instant now = Instant.now();
        if (d.firstFailure == null) {
            d.firstFailure = now;
        }
        d.lastFailure = now;
        RetryPolicy policy = consumer.subscription.retryPolicy();
        boolean retryable = !(failure instanceof NonRetryableEventException);
        if (retryable && policy.allowsAnotherAttempt(d.attempts) && !group.isStopped()) {
            group.meters.retried(d.event.type());
            Duration backoff = policy.backoff(d.attempts);
            log.debug("Subscription {} failed event {} (attempt {}), retrying in {}: {}", group.id, d.event.id(),
                    d.attempts, backoff, failure.toString());
            if (backoff.isZero()) {
                group.requeue(d);
                return;
            }
            try {
                timer.schedule(() -> group.requeue(d), backoff.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                group.complete(d); // the bus is shutting down
            }
            return;
        }
        deadLetter(group, consumer, d, failure);
        group.complete(d);
    }

    private void deadLetter(SubscriptionGroup group, Consumer consumer, Delivery d, Throwable failure) {
        Instant first = d.firstFailure == null ? Instant.now() : d.firstFailure;
        Instant last = d.lastFailure == null ? first : d.lastFailure;
        DeadLetter dl = new DeadLetter(d.event, group.id, failure.getClass().getName(), failure.getMessage(),
                Math.max(1, d.attempts), first, last);
        String dropped = deadLetters.computeIfAbsent(group.id, id -> new DeadLetterStore(config.deadLetterCapacity()))
                .add(dl);
        if (dropped != null) {
            log.warn("Dead letters of subscription {} are at capacity ({}): dropped the oldest, event {}", group.id,
                    config.deadLetterCapacity(), dropped);
        }
        group.meters.deadLettered(d.event.type());
        try {
            consumer.subscription.deadLetterHandler().onDeadLetter(dl);
        } catch (Throwable t) {
            log.warn("Dead-letter handler of subscription {} failed for event {}: {}", group.id, d.event.id(),
                    t.toString());
        }
    }

    // ---------------------------------------------------------------- dead letters

    @Override
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive (was " + limit + ")");
        }
        DeadLetterStore store = deadLetters.get(subscriptionId);
        return store == null ? List.of() : List.copyOf(store.oldest(limit));
    }

    /**
     * {@inheritDoc}
     *
     * <p>In memory: only while a consumer of the id is subscribed (otherwise nothing is replayed and the dead
     * letters stay); replaying waits for room in the subscription's buffer like a publish.
     */
    @Override
    public int replayDeadLetters(String subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        requireOpen("replay dead letters");
        SubscriptionGroup group = groups.get(subscriptionId);
        DeadLetterStore store = deadLetters.get(subscriptionId);
        if (group == null || store == null) {
            return 0;
        }
        List<DeadLetter> letters = store.takeAll();
        int replayed = 0;
        long deadline = System.nanoTime() + options.publishTimeout().toNanos();
        for (DeadLetter dl : letters) {
            boolean reserved;
            try {
                reserved = group.reserve(true, deadline - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reserved = false;
            }
            if (!reserved || !group.enqueue(new Delivery(dl.event(), true))) {
                if (reserved) {
                    // enqueue gave the slot back: the group was stopped
                    log.debug("Subscription {} stopped during replay", subscriptionId);
                }
                store.putBack(letters.subList(replayed, letters.size()));
                break;
            }
            replayed++;
        }
        log.info("Replayed {} dead letter(s) of subscription {} on event bus {}", replayed, subscriptionId, name);
        return replayed;
    }

    // ---------------------------------------------------------------- health and lifecycle

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(HealthCheck.critical("events.memory", this::health));
    }

    private HealthResult health() {
        if (closed) {
            return HealthResult.down("the in-memory event bus " + name + " is closed");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        int queued = 0;
        String fullest = null;
        int fullestPending = 0;
        for (SubscriptionGroup g : groupSnapshot) {
            int p = g.pending();
            queued += p;
            if (p > fullestPending) {
                fullestPending = p;
                fullest = g.id;
            }
        }
        int dead = 0;
        for (DeadLetterStore s : deadLetters.values()) {
            dead += s.size();
        }
        details.put("subscriptions", groupSnapshot.length);
        details.put("pending", queued);
        details.put("deadLetters", dead);
        if (fullest != null && fullestPending * 10L >= config.capacity() * 9L) {
            HealthResult r = HealthResult.degraded("the buffer of subscription '" + fullest + "' is " + fullestPending
                    + " of " + config.capacity() + " events full: its consumers are falling behind");
            for (Map.Entry<String, Object> e : details.entrySet()) {
                r = r.withDetail(e.getKey(), e.getValue());
            }
            return r;
        }
        return HealthResult.up(details);
    }

    @Override
    public synchronized boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (terminated) {
            return drainedAtClose;
        }
        closed = true;
        log.info("In-memory event bus {} closing: draining in-flight deliveries (up to {})", name, timeout);
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        boolean drained = true;
        try {
            for (SubscriptionGroup g : groupSnapshot) {
                drained &= g.awaitIdle(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        int dropped = 0;
        List<SubscriptionGroup> all;
        synchronized (registryLock) {
            all = new ArrayList<>(groups.values());
            groups.clear();
            groupSnapshot = NO_GROUPS;
        }
        for (SubscriptionGroup g : all) {
            for (Consumer c : g.consumers()) {
                c.deactivate();
            }
            dropped += g.pending();
            g.stop();
        }
        timer.shutdownNow();
        handlers.shutdownNow();
        terminated = true;
        drainedAtClose = drained;
        if (drained) {
            log.info("In-memory event bus {} closed", name);
        } else {
            log.warn("In-memory event bus {} closed before draining: about {} delivery(ies) not completed within {}",
                    name, dropped, timeout);
        }
        return drained;
    }

    @Override
    public void close() {
        try {
            close(options.closeTimeout());
        } catch (RuntimeException e) {
            log.warn("Closing the in-memory event bus {} failed: {}", name, e.toString());
        }
    }

    @Override
    public String toString() {
        return "InMemoryEventBus{" + name + ", subscriptions=" + groupSnapshot.length + (closed ? ", closed" : "") + '}';
    }
}
