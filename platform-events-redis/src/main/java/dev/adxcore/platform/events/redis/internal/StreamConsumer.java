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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One consumer of a subscription's consumer group.
 *
 * <p>A reader thread owns a blocking connection: it reads new entries ({@code XREADGROUP >}), after a
 * start or an error its own pending entries ({@code XREADGROUP 0}), and every half
 * {@code minIdleBeforeReclaim} it reclaims entries idle on other consumers ({@code XAUTOCLAIM}). Entries are
 * handed to lanes (single threads, chosen by aggregate id so that one aggregate's events stay in order),
 * which call the handler on a handler thread with the subscription's timeout, retry with backoff, and
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
    private final ExecutorService[] lanes;
    private final ThreadPoolExecutor handlerPool;
    private final Semaphore permits;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<String> acks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean ackScheduled = new java.util.concurrent.atomic.AtomicBoolean();
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
        this.lanes = new ExecutorService[concurrency];
        for (int i = 0; i < concurrency; i++) {
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    Threads.daemon("redis-events-" + group + "-lane" + i));
        }
        this.handlerPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Threads.daemon("redis-events-" + group + "-handler"));
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
                    stopSignal.await(20, TimeUnit.MILLISECONDS);
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
        try {
            lanes[laneOf(event)].execute(() -> deliver(id, event, json));
        } catch (RejectedExecutionException e) {
            inFlight.remove(id);
            permits.release(); // stopping: the entry stays pending
        }
    }

    private int laneOf(Event event) {
        if (lanes.length == 1) {
            return 0;
        }
        return event.aggregateId().map(a -> Math.floorMod(a.hashCode(), lanes.length))
                .orElseGet(() -> Math.floorMod(nextLane.getAndIncrement(), lanes.length));
    }

    // ------------------------------------------------------------------------------------------ delivery

    private void deliver(String id, Event event, byte[] json) {
        try {
            int attempts = 0;
            Instant firstFailure = null;
            while (running) {
                attempts++;
                Throwable failure = invoke(event);
                if (failure == null) {
                    ackSoon(id);
                    delivered.increment();
                    return;
                }
                if (failure instanceof Stopped) {
                    return;
                }
                handlerFailures.increment();
                Instant now = Instant.now();
                if (firstFailure == null) {
                    firstFailure = now;
                }
                boolean retry = !(failure instanceof NonRetryableEventException)
                        && subscription.retryPolicy().allowsAnotherAttempt(attempts);
                if (!retry) {
                    recordDeadLetter(id, event, json, failure.getClass().getName(), failure.getMessage(), attempts,
                            firstFailure, now, false);
                    return;
                }
                Duration backoff = subscription.retryPolicy().backoff(attempts);
                log.debug("Subscription {}: event {} failed attempt {}, retrying in {}: {}", group, event.id(), attempts,
                        backoff, failure.toString());
                if (stopSignal.await(backoff.toNanos(), TimeUnit.NANOSECONDS)) {
                    return; // stopping: the entry stays pending and is delivered again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            loopErrors.increment();
            log.warn("Subscription {}: delivering entry {} failed unexpectedly; it stays pending", group, id, e);
        } finally {
            inFlight.remove(id);
            permits.release();
        }
    }

    private @Nullable Throwable invoke(Event event) {
        Future<?> call;
        try {
            call = handlerPool.submit(() -> {
                subscription.handler().handle(event);
                return null;
            });
        } catch (RejectedExecutionException e) {
            return new Stopped();
        }
        Duration timeout = subscription.handlerTimeout();
        try {
            call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            call.cancel(true);
            return new TimeoutException("handler did not finish within handlerTimeout " + timeout);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new Stopped();
        }
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
     * Queues an acknowledgement; one {@code XACK} carries every id queued while the previous one was being
     * sent, so acknowledgements cost one command per burst rather than one per event.
     */
    private void ackSoon(String id) {
        acks.add(id);
        if (ackScheduled.compareAndSet(false, true)) {
            try {
                bus.acker().execute(this::flushAcks);
            } catch (RejectedExecutionException e) {
                ackScheduled.set(false); // the bus is closing: the entry stays pending
            }
        }
    }

    private void flushAcks() {
        ackScheduled.set(false);
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
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
    }

    /** Waits until the reader and the lanes have stopped; then stops handler threads still running. */
    boolean awaitStopped(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean done = true;
        try {
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            for (ExecutorService lane : lanes) {
                done &= lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
        handlerPool.shutdownNow();
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
