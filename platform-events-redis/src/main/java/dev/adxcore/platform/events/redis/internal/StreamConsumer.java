package dev.adxcore.platform.events.redis.internal;

import static dev.adxcore.platform.events.redis.internal.RedisStreamsEventBus.log;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.events.Subscription;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One consumer of a subscription's consumer group.
 *
 * <p>A reader thread owns a blocking connection: it reads new entries ({@code XREADGROUP >}), after a
 * start or an error its own pending entries ({@code XREADGROUP 0}), and every half
 * {@code minIdleBeforeReclaim} it reclaims entries idle on other consumers ({@code XAUTOCLAIM}). Entries are
 * handed to lanes (single threads, chosen by aggregate id so that one aggregate's events stay in order),
 * which call the handler themselves under a watchdog that keeps the subscription's timeout (interrupting the
 * lane thread, and replacing it if the handler ignores the interrupt), retry with backoff, and
 * acknowledge ({@code XACK}) only after success or after the dead letter is stored. The reader never
 * exits while the consumer runs: every error is logged, counted and followed by a backoff and a re-read of
 * the pending entries.
 */
final class StreamConsumer implements Subscription {

    private final RedisStreamsEventBus bus;
    private final EventSubscription subscription;
    private final String group;
    private final String consumerName;
    private final Consumer<String> me;
    private final String streamKey;
    private final Lane[] lanes;
    private final ThreadFactory laneThreads;
    private final Thread watchdog;
    private final long graceNanos;
    private final Semaphore permits;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<String> acks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean ackInFlight = new AtomicBoolean();
    private volatile boolean terminated;
    private final AtomicInteger nextLane = new AtomicInteger();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Thread reader;
    private final Duration reclaimInterval;

    private final Counter delivered;
    private final Counter handlerFailures;
    private final Counter deadLettered;
    private final Counter reclaimed;
    private final Counter loopErrors;
    private final RedisStreamsEventBus.GroupStats stats;

    private volatile boolean running = true;
    private volatile boolean groupReady;
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile int consecutiveFailures;
    private volatile @Nullable String lastError;
    private volatile @Nullable StatefulRedisConnection<String, byte[]> readerConnection;
    private final java.util.concurrent.atomic.AtomicBoolean readerClosed = new java.util.concurrent.atomic.AtomicBoolean();
    private @Nullable ScheduledFuture<?> statsTask;
    private @Nullable ScheduledFuture<?> keepAliveTask;

    StreamConsumer(RedisStreamsEventBus bus, EventSubscription subscription, String consumerName) {
        this.bus = bus;
        this.subscription = subscription;
        this.group = subscription.id();
        this.consumerName = consumerName;
        this.me = Consumer.from(group, consumerName);
        this.streamKey = bus.streamKey;
        int concurrency = Math.max(subscription.concurrency(), bus.config.handlerConcurrency());
        this.laneThreads = Threads.daemon("redis-events-" + group + "-lane");
        this.lanes = new Lane[concurrency];
        for (int i = 0; i < concurrency; i++) {
            lanes[i] = new Lane(i);
        }
        long timeoutNanos = subscription.handlerTimeout().toNanos();
        this.graceNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 2, GRACE_NANOS));
        this.watchdog = Threads.daemon("redis-events-" + group + "-watchdog").newThread(this::watch);
        this.permits = new Semaphore(bus.config.batchSize() * 2 + concurrency);
        Duration half = bus.config.minIdleBeforeReclaim().dividedBy(2);
        this.reclaimInterval = half.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : half;
        this.reader = Threads.daemon("redis-events-" + group + "-reader").newThread(this::readLoop);

        MeterRegistry registry = bus.metrics.registry;
        String[] tags = {"transport", "redis", "subscription", group};
        this.delivered = bus.metrics.track(Counter.builder("platform.events.delivered")
                .description("Events handled successfully and acknowledged").tags(tags).register(registry));
        this.handlerFailures = bus.metrics.track(Counter.builder("platform.events.handler.failures")
                .description("Handler calls that failed or timed out").tags(tags).register(registry));
        this.deadLettered = bus.metrics.track(Counter.builder("platform.events.dead.lettered")
                .description("Events moved to the dead-letter stream").tags(tags).register(registry));
        this.reclaimed = bus.metrics.track(Counter.builder("platform.events.reclaimed")
                .description("Entries reclaimed from idle consumers with XAUTOCLAIM").tags(tags).register(registry));
        this.loopErrors = bus.metrics.track(Counter.builder("platform.events.consumer.errors")
                .description("Errors in the consumer loop (it continues)").tags(tags).register(registry));
        this.stats = bus.metrics.groupStats(group);
    }

    void start() {
        try {
            createGroup("$");
        } catch (RuntimeException e) {
            log.warn("Could not create consumer group {} on {} yet (will retry): {}", group, streamKey, e.getMessage());
        }
        for (Lane lane : lanes) {
            lane.startWorker(null, null);
        }
        watchdog.start();
        reader.start();
        long statsMillis = Math.min(5000, Math.max(200, reclaimInterval.toMillis()));
        statsTask = bus.scheduler().scheduleWithFixedDelay(this::refreshStats, statsMillis, statsMillis,
                TimeUnit.MILLISECONDS);
        long keepAliveMillis = Math.max(30, bus.config.minIdleBeforeReclaim().toMillis() / 3);
        keepAliveTask = bus.scheduler().scheduleWithFixedDelay(this::keepInFlightEntries, keepAliveMillis,
                keepAliveMillis, TimeUnit.MILLISECONDS);
        log.info("Subscription {} started: consumer {} on {} (types {}, concurrency {})", group, consumerName, streamKey,
                subscription.types(), lanes.length);
    }

    private void createGroup(String from) {
        try {
            bus.await(bus.commands().xgroupCreate(XReadArgs.StreamOffset.from(streamKey, from), group,
                    XGroupCreateArgs.Builder.mkstream()));
            log.debug("Created consumer group {} on {} at {}", group, streamKey, from);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    // ------------------------------------------------------------------------------------------ reader

    private void readLoop() {
        boolean readOwnPending = true;
        long nextReclaim = System.nanoTime() + reclaimInterval.toNanos();
        while (running) {
            heartbeatNanos = System.nanoTime();
            try {
                StatefulRedisConnection<String, byte[]> conn = readerConnection;
                if (conn == null) {
                    conn = bus.connectReader();
                    readerConnection = conn;
                    if (!running) {
                        break;
                    }
                }
                RedisAsyncCommands<String, byte[]> commands = conn.async();
                if (!groupReady) {
                    createGroup("$");
                }
                if (readOwnPending) {
                    readOwnPending(commands);
                    readOwnPending = false;
                }
                if (System.nanoTime() - nextReclaim >= 0) {
                    reclaim();
                    nextReclaim = System.nanoTime() + reclaimInterval.toNanos();
                }
                int free = permits.availablePermits();
                if (free == 0) {
                    // every permit is held by a queued or running delivery: wait for the first one to finish
                    // (woken by its release, not by polling), then read again at once
                    if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        permits.release();
                    }
                    continue;
                }
                List<StreamMessage<String, byte[]>> entries = awaitRead(commands.xreadgroup(me,
                        XReadArgs.Builder.block(bus.config.blockTime()).count(Math.min(free, bus.config.batchSize())),
                        XReadArgs.StreamOffset.lastConsumed(streamKey)));
                dispatchAll(entries);
                recovered();
            } catch (Throwable e) {
                if (!running) {
                    break;
                }
                if (e instanceof InterruptedException) {
                    continue;
                }
                readOwnPending = true;
                failed(e);
            }
        }
        closeReader();
    }

    private void closeReader() {
        StatefulRedisConnection<String, byte[]> conn = readerConnection;
        if (conn != null && readerClosed.compareAndSet(false, true)) {
            conn.closeAsync();
        }
    }

    private void failed(Throwable e) {
        loopErrors.increment();
        int failures = ++consecutiveFailures;
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastError = message;
        if (message.contains("NOGROUP")) {
            log.warn("Consumer group {} is missing from {} (Redis restarted without persistence, or the group was"
                    + " deleted); recreating it from the start of the stream", group, streamKey);
            try {
                createGroup("0");
                return;
            } catch (RuntimeException again) {
                lastError = again.getMessage();
            }
        }
        if (failures == 1 || failures % 50 == 0) {
            log.warn("Subscription {} consumer {}: reading from Redis failed ({} time(s) in a row), retrying: {}", group,
                    consumerName, failures, message);
        } else {
            log.debug("Subscription {}: read failed again: {}", group, message);
        }
        long backoff = Math.min(2000, 50L << Math.min(failures, 6));
        try {
            stopSignal.await(backoff, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
        Thread.interrupted();
    }

    private void recovered() {
        if (consecutiveFailures > 0) {
            log.info("Subscription {} consumer {} is reading again after {} failed attempt(s)", group, consumerName,
                    consecutiveFailures);
            consecutiveFailures = 0;
            lastError = null;
        }
    }

    private <T> T awaitRead(RedisFuture<T> future) throws Exception {
        long millis = bus.config.blockTime().toMillis() + bus.options.publishTimeout().toMillis() + 500;
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    /** Entries this consumer read earlier (before a crash, restart or error) and did not acknowledge. */
    private void readOwnPending(RedisAsyncCommands<String, byte[]> commands) throws Exception {
        String from = "0";
        while (running) {
            List<StreamMessage<String, byte[]>> entries = awaitRead(commands.xreadgroup(me,
                    XReadArgs.Builder.count(bus.config.batchSize()), XReadArgs.StreamOffset.from(streamKey, from)));
            if (entries.isEmpty()) {
                return;
            }
            List<StreamMessage<String, byte[]>> fresh = new ArrayList<>(entries.size());
            for (StreamMessage<String, byte[]> m : entries) {
                if (!inFlight.contains(m.getId())) {
                    fresh.add(m);
                }
            }
            dispatchAll(withinDeliveryLimit(fresh));
            from = entries.get(entries.size() - 1).getId();
        }
    }

    /** Takes over entries that have been pending longer than minIdleBeforeReclaim on any consumer. */
    private void reclaim() throws InterruptedException {
        String cursor = "0-0";
        int rounds = 0;
        do {
            ClaimedMessages<String, byte[]> claimed = bus.await(bus.commands().xautoclaim(streamKey,
                    new XAutoClaimArgs<String>().consumer(me).minIdleTime(bus.config.minIdleBeforeReclaim())
                            .startId(cursor).count(bus.config.batchSize())));
            List<StreamMessage<String, byte[]>> fresh = new ArrayList<>();
            for (StreamMessage<String, byte[]> m : claimed.getMessages()) {
                if (!inFlight.contains(m.getId())) {
                    fresh.add(m);
                }
            }
            if (!fresh.isEmpty()) {
                reclaimed.increment(fresh.size());
                log.info("Subscription {} consumer {} reclaimed {} entr{} idle for over {}", group, consumerName,
                        fresh.size(), fresh.size() == 1 ? "y" : "ies", bus.config.minIdleBeforeReclaim());
                dispatchAll(withinDeliveryLimit(fresh));
            }
            cursor = claimed.getId();
        } while (running && !"0-0".equals(cursor) && ++rounds < 10);
    }

    /** Dead-letters entries delivered more than maxDeliveries times; returns the others. */
    private List<StreamMessage<String, byte[]>> withinDeliveryLimit(List<StreamMessage<String, byte[]>> entries) {
        if (entries.isEmpty()) {
            return entries;
        }
        String first = entries.get(0).getId();
        String last = entries.get(entries.size() - 1).getId();
        List<PendingMessage> pendingEntries = bus.await(bus.commands().xpending(streamKey,
                XPendingArgs.Builder.xpending(me, Range.create(first, last), Limit.from(entries.size() * 2L))));
        Map<String, Long> counts = new HashMap<>();
        for (PendingMessage p : pendingEntries) {
            counts.put(p.getId(), p.getRedeliveryCount());
        }
        List<StreamMessage<String, byte[]>> allowed = new ArrayList<>(entries.size());
        for (StreamMessage<String, byte[]> m : entries) {
            long deliveries = counts.getOrDefault(m.getId(), 1L);
            if (deliveries > bus.config.maxDeliveries()) {
                deadLetterUnhandled(m, deliveries);
            } else {
                allowed.add(m);
            }
        }
        return allowed;
    }

    private void deadLetterUnhandled(StreamMessage<String, byte[]> m, long deliveries) {
        Map<String, byte[]> body = m.getBody();
        byte[] json = body == null ? null : body.get(RedisStreamsEventBus.FIELD_EVENT);
        Event event;
        boolean malformed = false;
        try {
            event = CloudEventJson.read(json == null ? new byte[0] : json);
        } catch (RuntimeException e) {
            event = DeadLetters.malformedEntry(m.getId(), body);
            json = DeadLetters.utf8(CloudEventJson.write(event));
            malformed = true;
        }
        String message = "delivered " + deliveries + " times without being acknowledged (over maxDeliveries "
                + bus.config.maxDeliveries() + "): its consumers crashed or stalled while handling it";
        Instant now = Instant.now();
        recordDeadLetter(m.getId(), event, json, DeliveryLimitExceededException.class.getName(), message,
                (int) Math.min(Integer.MAX_VALUE, deliveries), now, now, malformed);
    }

    private void dispatchAll(List<StreamMessage<String, byte[]>> entries) throws InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        List<String> skip = new ArrayList<>();
        for (StreamMessage<String, byte[]> m : entries) {
            dispatch(m, skip);
        }
        if (!skip.isEmpty()) {
            ack(skip.toArray(String[]::new));
        }
    }

    private void dispatch(StreamMessage<String, byte[]> m, List<String> skip) throws InterruptedException {
        String id = m.getId();
        Map<String, byte[]> body = m.getBody();
        if (body == null || body.isEmpty()) {
            skip.add(id); // deleted or trimmed while pending: nothing left to deliver
            return;
        }
        byte[] replayFor = body.get(RedisStreamsEventBus.FIELD_REPLAY_FOR);
        if (replayFor != null && !group.equals(new String(replayFor, StandardCharsets.UTF_8))) {
            skip.add(id); // a dead letter replayed for another subscription
            return;
        }
        byte[] json = body.get(RedisStreamsEventBus.FIELD_EVENT);
        Event event;
        try {
            if (json == null) {
                throw new InvalidEventException("stream entry has no '" + RedisStreamsEventBus.FIELD_EVENT
                        + "' field (fields: " + body.keySet() + ")");
            }
            event = CloudEventJson.read(json);
        } catch (RuntimeException e) {
            Event stand = DeadLetters.malformedEntry(id, body);
            log.warn("Subscription {}: stream entry {} is not a valid event, dead-lettering it: {}", group, id,
                    e.getMessage());
            Instant now = Instant.now();
            recordDeadLetter(id, stand, DeadLetters.utf8(CloudEventJson.write(stand)), e.getClass().getName(),
                    e.getMessage(), 1, now, now, true);
            return;
        }
        if (!subscription.matches(event)) {
            skip.add(id);
            return;
        }
        if (!inFlight.add(id)) {
            return; // already being handled here
        }
        permits.acquire();
        if (!running) {
            inFlight.remove(id);
            permits.release(); // stopping: the entry stays pending
            return;
        }
        lanes[laneOf(event)].queue.add(new Delivery(id, event, json));
    }

    private int laneOf(Event event) {
        if (lanes.length == 1) {
            return 0;
        }
        return event.aggregateId().map(a -> Math.floorMod(a.hashCode(), lanes.length))
                .orElseGet(() -> Math.floorMod(nextLane.getAndIncrement(), lanes.length));
    }

    // ------------------------------------------------------------------------------------------ delivery

    /*
     * Each lane has one worker thread that takes deliveries from the lane's queue and calls the handler itself
     * (no hand-off to another thread: one wake-up per batch, not two per event). The handler timeout is kept
     * by one watchdog thread per consumer that sleeps until the earliest deadline of the calls in progress:
     * at the deadline it interrupts the lane thread (the attempt fails with a TimeoutException); if the
     * handler ignores the interrupt for a grace period, the lane is given a new worker thread, which carries
     * on with that delivery (retry or dead letter) and the rest of the queue, and the stuck thread is
     * abandoned (it exits when its handler returns, without acknowledging or touching the lane).
     */

    /** The longest a timed-out handler may ignore its interrupt before its lane gets a new thread. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Sentinel that ends a lane worker. */
    private static final Delivery STOP = new Delivery("", Event.builder("platform.stop").build(), new byte[0]);

    /** Returned by {@link #invoke} to the thread of a call that its lane has given up on. */
    private static final Throwable ABANDONED = new Stopped();

    /** One stream entry being delivered; its attempt count survives a change of lane thread. */
    private static final class Delivery {
        final String id;
        final Event event;
        final byte[] json;
        int attempts;
        @Nullable Instant firstFailure;

        Delivery(String id, Event event, byte[] json) {
            this.id = id;
            this.event = event;
            this.json = json;
        }
    }

    /** One handler call in progress on a lane thread; {@code state} is guarded by the object's monitor. */
    private static final class Call {
        static final int RUNNING = 0;
        static final int TIMED_OUT = 1; // interrupted by the watchdog, the lane thread still owns the delivery
        static final int ABANDONED = 2; // ignored the interrupt: a new lane thread owns the delivery
        static final int STOPPED = 3; // interrupted because the consumer is closing
        static final int DONE = 4;

        final Thread thread;
        final Delivery delivery;
        final long deadline;
        long graceDeadline;
        int state = RUNNING;

        Call(Thread thread, Delivery delivery, long deadline) {
            this.thread = thread;
            this.delivery = delivery;
            this.deadline = deadline;
        }
    }

    /** A queue of deliveries handled one at a time, in order, by the lane's current worker thread. */
    private final class Lane {
        final int index;
        final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
        final CountDownLatch finished = new CountDownLatch(1);
        volatile @Nullable Call current;
        volatile @Nullable Thread worker;

        Lane(int index) {
            this.index = index;
        }

        void startWorker(@Nullable Delivery resume, @Nullable Throwable failure) {
            Thread t = laneThreads.newThread(() -> work(this, resume, failure));
            t.setName("redis-events-" + group + "-lane" + index + (resume == null ? "" : "-replacement-" + t.getName()
                    .substring(t.getName().lastIndexOf('-') + 1)));
            worker = t;
            t.start();
        }
    }

    private void work(Lane lane, @Nullable Delivery resume, @Nullable Throwable failure) {
        if (resume != null && !deliver(lane, resume, failure)) {
            return; // abandoned again
        }
        while (true) {
            Delivery d;
            try {
                d = lane.queue.take();
            } catch (InterruptedException e) {
                if (running) {
                    continue;
                }
                break;
            }
            if (d == STOP) {
                break;
            }
            if (!deliver(lane, d, null)) {
                return; // the handler ignored its timeout: a new worker owns this lane now
            }
        }
        for (Delivery d = lane.queue.poll(); d != null; d = lane.queue.poll()) {
            if (d != STOP) {
                inFlight.remove(d.id);
                permits.release(); // stopping: the entry stays pending
            }
        }
        lane.finished.countDown();
    }

    /**
     * Delivers one entry with retries. {@code pending} is the failure of an attempt already made (by a lane
     * thread that was replaced).
     *
     * @return false when this thread was abandoned and must leave the lane
     */
    private boolean deliver(Lane lane, Delivery d, @Nullable Throwable pending) {
        boolean owner = true;
        try {
            Throwable failure = pending;
            while (running) {
                if (failure == null) {
                    d.attempts++;
                    failure = invoke(lane, d);
                    if (failure == null) {
                        ackSoon(d.id);
                        delivered.increment();
                        return true;
                    }
                    if (failure == ABANDONED) {
                        owner = false;
                        return false;
                    }
                }
                if (failure instanceof Stopped) {
                    return true;
                }
                handlerFailures.increment();
                Instant now = Instant.now();
                if (d.firstFailure == null) {
                    d.firstFailure = now;
                }
                boolean retry = !(failure instanceof NonRetryableEventException)
                        && subscription.retryPolicy().allowsAnotherAttempt(d.attempts);
                if (!retry) {
                    recordDeadLetter(d.id, d.event, d.json, failure.getClass().getName(), failure.getMessage(), d.attempts,
                            d.firstFailure, now, false);
                    return true;
                }
                Duration backoff = subscription.retryPolicy().backoff(d.attempts);
                log.debug("Subscription {}: event {} failed attempt {}, retrying in {}: {}", group, d.event.id(),
                        d.attempts, backoff, failure.toString());
                if (stopSignal.await(backoff.toNanos(), TimeUnit.NANOSECONDS)) {
                    return true; // stopping: the entry stays pending and is delivered again
                }
                failure = null;
            }
            return true;
        } catch (InterruptedException e) {
            return true; // closing: the entry stays pending
        } catch (RuntimeException e) {
            loopErrors.increment();
            log.warn("Subscription {}: delivering entry {} failed unexpectedly; it stays pending", group, d.id, e);
            return true;
        } finally {
            if (owner) {
                inFlight.remove(d.id);
                permits.release();
            }
        }
    }

    /**
     * Calls the handler on this (lane) thread under the watchdog.
     *
     * @return null on success, the failure, a {@link TimeoutException}, a {@link Stopped}, or {@link #ABANDONED}
     */
    private @Nullable Throwable invoke(Lane lane, Delivery d) {
        Duration timeout = subscription.handlerTimeout();
        Call call = new Call(Thread.currentThread(), d, System.nanoTime() + timeout.toNanos());
        lane.current = call;
        Throwable failure = null;
        try {
            subscription.handler().handle(d.event);
        } catch (Throwable e) {
            failure = e;
        }
        int state;
        synchronized (call) {
            state = call.state;
            if (state != Call.ABANDONED) {
                call.state = Call.DONE;
                lane.current = null;
            }
            Thread.interrupted(); // clear the watchdog's (or close's) interrupt: it was for this call only
        }
        return switch (state) {
            case Call.RUNNING -> failure;
            case Call.TIMED_OUT -> new TimeoutException("handler did not finish within handlerTimeout " + timeout);
            case Call.STOPPED -> new Stopped();
            default -> ABANDONED;
        };
    }

    /** The watchdog loop: sleeps until the earliest handler deadline, interrupts and replaces as needed. */
    private void watch() {
        long timeout = subscription.handlerTimeout().toNanos();
        while (!terminated) {
            long wait;
            try {
                wait = watchOnce(timeout);
            } catch (RuntimeException e) {
                loopErrors.increment();
                log.warn("Subscription {}: handler timeout watchdog failed (it continues)", group, e);
                wait = TimeUnit.MILLISECONDS.toNanos(10);
            }
            LockSupport.parkNanos(this, Math.max(wait, 100_000));
        }
    }

    /** One round of the watchdog; returns how long it may sleep. */
    private long watchOnce(long timeout) {
        long now = System.nanoTime();
        long wait = timeout; // a call started from now on has its deadline at least this far away
        for (Lane lane : lanes) {
            Call call = lane.current;
            if (call == null) {
                continue;
            }
            boolean replace = false;
            synchronized (call) {
                if (call.state == Call.RUNNING) {
                    long left = call.deadline - now;
                    if (left <= 0) {
                        call.state = Call.TIMED_OUT;
                        call.graceDeadline = now + graceNanos;
                        call.thread.interrupt();
                        left = graceNanos;
                    }
                    wait = Math.min(wait, left);
                } else if (call.state == Call.TIMED_OUT) {
                    long left = call.graceDeadline - now;
                    if (left <= 0) {
                        call.state = Call.ABANDONED;
                        replace = true;
                    } else {
                        wait = Math.min(wait, left);
                    }
                }
            }
            if (replace) {
                lane.current = null;
                log.warn("Subscription {}: handler on {} ignored its interrupt {} ms after handlerTimeout {} for"
                        + " event {}; the thread is abandoned and lane {} continues on a new thread", group,
                        call.thread.getName(), TimeUnit.NANOSECONDS.toMillis(graceNanos),
                        subscription.handlerTimeout(), call.delivery.event.id(), lane.index);
                if (running) {
                    lane.startWorker(call.delivery, new TimeoutException("handler did not finish within"
                            + " handlerTimeout " + subscription.handlerTimeout() + " (and ignored the interrupt)"));
                } else {
                    inFlight.remove(call.delivery.id);
                    permits.release();
                    lane.startWorker(null, null); // just drains the queue and ends the lane
                }
            }
        }
        return wait;
    }

    /**
     * Resets the idle time of every entry this consumer holds (queued, being handled or waiting for a retry),
     * so that live consumers never lose entries to {@code XAUTOCLAIM} however long their handlers run; only a
     * consumer that stopped sending this heartbeat (crashed, hung, partitioned) has its entries reclaimed.
     * {@code XCLAIM ... JUSTID} does not count as a delivery.
     */
    private void keepInFlightEntries() {
        if (!running || inFlight.isEmpty()) {
            return;
        }
        String[] ids = inFlight.toArray(String[]::new);
        bus.commands().xclaim(streamKey, me, XClaimArgs.Builder.justid().minIdleTime(0), ids).whenComplete((r, e) -> {
            if (e != null) {
                log.debug("Subscription {}: could not refresh {} in-flight entries: {}", group, ids.length, e.getMessage());
            }
        });
    }

    /**
     * Queues an acknowledgement and sends it at once unless an {@code XACK} is already on its way; ids queued
     * meanwhile go in one {@code XACK} as soon as that one is answered. So an acknowledgement waits at most
     * one round trip, and a burst costs one command per round trip rather than one per event. Sent from the
     * calling lane thread (or Lettuce's event loop), no extra thread hop.
     */
    private void ackSoon(String id) {
        acks.add(id);
        if (ackInFlight.compareAndSet(false, true)) {
            sendAcks();
        }
    }

    private void sendAcks() {
        List<String> ids = new ArrayList<>();
        for (String id = acks.poll(); id != null; id = acks.poll()) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            ackInFlight.set(false);
            if (!acks.isEmpty() && ackInFlight.compareAndSet(false, true)) {
                sendAcks();
            }
            return;
        }
        String[] batch = ids.toArray(String[]::new);
        RedisFuture<Long> sent;
        try {
            sent = bus.commands().xack(streamKey, group, batch);
        } catch (RuntimeException e) {
            ackInFlight.set(false); // the bus is closing: the entries stay pending
            return;
        }
        sent.whenComplete((n, e) -> {
            if (e != null) {
                log.debug("Subscription {}: XACK of {} entr(ies) failed; they will be delivered again: {}", group,
                        batch.length, e.getMessage());
            }
            ackInFlight.set(false);
            if (!acks.isEmpty() && ackInFlight.compareAndSet(false, true)) {
                sendAcks();
            }
        });
    }

    /** Sends what is queued now (at close), whether or not an XACK is in flight. */
    private void flushAcks() {
        List<String> ids = new ArrayList<>();
        for (String id = acks.poll(); id != null; id = acks.poll()) {
            ids.add(id);
        }
        if (!ids.isEmpty()) {
            ack(ids.toArray(String[]::new));
        }
    }

    private void ack(String... ids) {
        bus.commands().xack(streamKey, group, ids).whenComplete((n, e) -> {
            if (e != null) {
                log.debug("Subscription {}: XACK of {} entr(ies) failed; they will be delivered again: {}", group,
                        ids.length, e.getMessage());
            }
        });
    }

    private void recordDeadLetter(String id, Event event, byte[] json, String errorClass, @Nullable String message,
            int attempts, Instant firstFailure, Instant lastFailure, boolean malformed) {
        Map<String, byte[]> fields = DeadLetters.fields(json, group, errorClass, message, attempts, firstFailure,
                lastFailure, id, malformed);
        if (!bus.writeDeadLetter(group, id, fields)) {
            return;
        }
        deadLettered.increment();
        try {
            subscription.deadLetterHandler().onDeadLetter(new DeadLetter(event, group, errorClass, message, attempts,
                    firstFailure, lastFailure));
        } catch (RuntimeException e) {
            log.warn("Dead-letter handler of subscription {} failed (ignored)", group, e);
        }
    }

    // ------------------------------------------------------------------------------------------ stats, health

    private void refreshStats() {
        if (!running) {
            return;
        }
        bus.commands().xinfoGroups(streamKey).whenComplete((groups, e) -> {
            if (e != null) {
                log.debug("Subscription {}: could not read group stats: {}", group, e.getMessage());
                return;
            }
            for (Object g : groups) {
                if (!(g instanceof List<?> fields)) {
                    continue;
                }
                Map<String, Object> info = new HashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    info.put(text(fields.get(i)), fields.get(i + 1));
                }
                if (group.equals(text(info.get("name")))) {
                    stats.pending().set(number(info.get("pending")));
                    stats.lag().set(number(info.get("lag")));
                }
            }
        });
    }

    private static String text(@Nullable Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static long number(@Nullable Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return o == null ? 0 : Long.parseLong(text(o));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    String consumerName() {
        return consumerName;
    }

    String state() {
        if (!running) {
            return "stopped";
        }
        String error = lastError;
        return error == null ? "reading" : "retrying after " + consecutiveFailures + " failure(s): " + error;
    }

    @Nullable String problem(Duration stale) {
        if (!running) {
            return null;
        }
        if (!reader.isAlive()) {
            return "consumer loop thread has died";
        }
        if (!watchdog.isAlive()) {
            return "handler timeout watchdog thread has died";
        }
        long silentNanos = System.nanoTime() - heartbeatNanos;
        if (silentNanos > stale.toNanos()) {
            return "consumer loop has not advanced for " + Duration.ofNanos(silentNanos).toSeconds() + " s";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Override
    public String id() {
        return group;
    }

    @Override
    public boolean isActive() {
        return running && !bus.isClosed();
    }

    /** Stops reading and lets the lanes finish what they are handling; does not wait. */
    void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopSignal.countDown();
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[] {statsTask, keepAliveTask}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        closeReader(); // ends a blocked XREADGROUP at once
        reader.interrupt(); // and the reader's wait for it
        for (Lane lane : lanes) {
            lane.queue.add(STOP); // queued deliveries are skipped; the call in progress may finish
        }
        LockSupport.unpark(watchdog);
    }

    /** Waits until the reader and the lanes have stopped; then interrupts handlers still running. */
    boolean awaitStopped(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean done = true;
        try {
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            for (Lane lane : lanes) {
                done &= lane.finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        for (Lane lane : lanes) {
            Call call = lane.current;
            if (call != null) {
                synchronized (call) {
                    if (call.state == Call.RUNNING || call.state == Call.TIMED_OUT) {
                        call.state = Call.STOPPED; // not a failed attempt: the entry stays pending
                        call.thread.interrupt();
                    }
                }
            }
        }
        terminated = true;
        LockSupport.unpark(watchdog);
        flushAcks();
        return done && !reader.isAlive();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        stop();
        awaitStopped(bus.options.closeTimeout().toNanos());
        bus.removed(this);
        log.info("Subscription {} consumer {} stopped", group, consumerName);
    }

    /** Marks a delivery abandoned because the consumer is stopping. */
    private static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("consumer stopping", null, false, false);
        }
    }

    /** The cause recorded when an entry exceeded maxDeliveries. */
    static final class DeliveryLimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeliveryLimitExceededException(String message) {
            super(message);
        }
    }
}
