package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.events.internal.engine.Delivery;
import dev.adxcore.platform.events.internal.engine.Engine;
import dev.adxcore.platform.events.spi.Inbound;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link EventBus}: delivery inside one JVM, for development, tests and single-process
 * services. Opened with {@code EventBuses.open("memory:")}; each open creates an independent
 * bus. See {@link MemoryBusConfig} for the URI parameters.
 *
 * <p>Runs on the shared delivery engine ({@link Engine}): each subscription id is one lanes of the engine
 * whose members are its consumers, so handlers run on the engine's pool, a retry waits on its timer and its
 * watchdog interrupts handler calls past their timeout. Events are not persisted: what is queued when the
 * process dies is lost. Internal: users go through {@link EventBus}.
 *
 * <p>Thread-safe. An expensive resource: each bus has its own engine (handler pool, timer and watchdog threads)
 * and holds up to {@code capacity} events per subscription id in memory: open one per process and close it.
 */
public final class InMemoryEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(InMemoryEventBus.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);
    private static final AtomicInteger BUS_NUMBERS = new AtomicInteger();
    private static final MemoryGroup[] NO_GROUPS = new MemoryGroup[0];

    private final String name;
    private final EventBusOptions options;
    private final MemoryBusConfig config;
    private final BusMetrics metrics;
    private final Engine engine;
    private final ConcurrentHashMap<String, MemoryGroup> groups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeadLetterStore> deadLetters = new ConcurrentHashMap<>();
    private final Object registryLock = new Object();
    private volatile MemoryGroup[] groupSnapshot = NO_GROUPS;
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
        this.engine = new Engine(name, "memory", options.meterRegistry());
        this.metrics = engine.metrics();
        log.info(
                "In-memory event bus {} started (capacity {} per subscription, whenFull={}, deadLetterCapacity {})",
                name,
                config.capacity(),
                config.blockWhenFull() ? "block" : "fail",
                config.deadLetterCapacity());
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public CompletionStage<Void> publish(Event event) {
        Objects.requireNonNull(event, "event");
        requireOpen("publish");
        EventSize.requireWithin(event, options.maxEventBytes());
        return EventTracing.publish("memory", event, this::dispatch);
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
            CompletionStage<Void> stage = EventTracing.publish("memory", e, this::dispatch);
            if (stage != DONE) {
                return stage;
            }
        }
        return DONE;
    }

    private CompletionStage<Void> dispatch(Event event) {
        MemoryGroup[] all = groupSnapshot;
        MemoryGroup[] matched = all.length == 0 ? NO_GROUPS : new MemoryGroup[all.length];
        int n = 0;
        for (MemoryGroup g : all) {
            if (g.lanes.wants(event)) {
                matched[n++] = g;
            }
        }
        long deadline = 0;
        boolean deadlineSet = false;
        for (int i = 0; i < n; i++) {
            MemoryGroup g = matched[i];
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
                return CompletableFuture.failedStage(new EventPublishException(
                        "interrupted while waiting for room in " + "the buffer of subscription '" + g.id + "'", e));
            }
            if (!reserved) {
                release(matched, i);
                metrics.rejected("full");
                return CompletableFuture.failedStage(new EventPublishException("the in-memory buffer of subscription '"
                        + g.id + "' is full (" + g.capacity + " events"
                        + (config.blockWhenFull() ? ", waited " + options.publishTimeout() : "")
                        + "): its consumers are slower than the "
                        + "publishers; raise the capacity (memory:?capacity=...) or speed up the handler"));
            }
        }
        if (n > 0) {
            Inbound<Event> inbound = Inbound.of(event, event);
            for (int i = 0; i < n; i++) {
                matched[i].lanes.submit(new Delivery(inbound));
            }
        }
        metrics.published(event.type());
        return DONE;
    }

    private static void release(MemoryGroup[] groups, int count) {
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
            MemoryGroup group = groups.computeIfAbsent(
                    subscription.id(),
                    id -> new MemoryGroup(
                            engine,
                            id,
                            config.capacity(),
                            deadLetters.computeIfAbsent(id, k -> new DeadLetterStore(config.deadLetterCapacity()))));
            consumer = new Consumer(this, group, subscription);
            group.consumers.add(consumer);
            group.lanes.addMember(consumer.member, subscription.concurrency());
            groupSnapshot = groups.values().toArray(NO_GROUPS);
        }
        log.info(
                "Subscribed {} on event bus {} (consumers of this id: {})",
                subscription,
                name,
                consumer.group.lanes.members().length);
        return consumer;
    }

    @Override
    public boolean unsubscribe(String subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        MemoryGroup group;
        List<Consumer> consumers;
        synchronized (registryLock) {
            group = groups.remove(subscriptionId);
            if (group == null) {
                return false;
            }
            groupSnapshot = groups.values().toArray(NO_GROUPS);
            consumers = consumersOf(group);
        }
        for (Consumer c : consumers) {
            c.deactivate();
        }
        stopGroup(group);
        return true;
    }

    private static List<Consumer> consumersOf(MemoryGroup group) {
        return List.copyOf(group.consumers);
    }

    void removeConsumer(Consumer consumer) {
        MemoryGroup group = consumer.group;
        boolean last;
        synchronized (registryLock) {
            group.consumers.remove(consumer);
            last = group.lanes.removeMember(consumer.member, consumer.subscription.concurrency());
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

    private void stopGroup(MemoryGroup group) {
        int dropped = group.lanes.stop();
        if (dropped > 0) {
            log.warn(
                    "Unsubscribed {} from event bus {}: {} queued event(s) were not delivered",
                    group.id,
                    name,
                    dropped);
        } else {
            log.info("Unsubscribed {} from event bus {}", group.id, name);
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
        MemoryGroup group = groups.get(subscriptionId);
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
            if (!reserved || !group.lanes.submit(new Delivery(Inbound.replay(dl.event(), dl.event())))) {
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
        for (MemoryGroup g : groupSnapshot) {
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
            for (MemoryGroup g : groupSnapshot) {
                drained &= g.lanes.awaitIdle(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        int dropped = 0;
        List<MemoryGroup> all;
        synchronized (registryLock) {
            all = new ArrayList<>(groups.values());
            groups.clear();
            groupSnapshot = NO_GROUPS;
        }
        for (MemoryGroup g : all) {
            for (Consumer c : consumersOf(g)) {
                c.deactivate();
            }
            dropped += g.pending();
            g.lanes.stop();
            g.lanes.interruptRunning();
        }
        engine.shutdown();
        terminated = true;
        drainedAtClose = drained;
        if (drained) {
            log.info("In-memory event bus {} closed", name);
        } else {
            log.warn(
                    "In-memory event bus {} closed before draining: about {} delivery(ies) not completed within {}",
                    name,
                    dropped,
                    timeout);
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
        return "InMemoryEventBus{" + name + ", subscriptions=" + groupSnapshot.length + (closed ? ", closed" : "")
                + '}';
    }
}
