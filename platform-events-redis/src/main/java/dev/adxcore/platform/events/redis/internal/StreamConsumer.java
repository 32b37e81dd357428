package dev.adxcore.platform.events.redis.internal;

import static dev.adxcore.platform.events.redis.internal.RedisStreamsEventBus.log;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.events.spi.ConsumerSettings;
import dev.adxcore.platform.events.spi.ConsumerTransport;
import dev.adxcore.platform.events.spi.EngineConsumer;
import dev.adxcore.platform.events.spi.Inbound;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Redis half of one consumer of a subscription's consumer group: reading, claiming and acknowledging.
 * Everything else (filter, lanes per aggregate, retries, handler timeout, dead-letter decisions, metrics) is the
 * shared delivery engine's ({@link EngineConsumer}).
 *
 * <p>{@link #fetch} reads new entries ({@code XREADGROUP >}); after a start or an error, first this consumer's
 * own pending entries ({@code XREADGROUP 0}); and every half {@code minIdleBeforeReclaim} it reclaims entries
 * idle on other consumers ({@code XAUTOCLAIM}). Entries delivered more than {@code maxDeliveries} times and
 * entries that are not valid events are handed to the engine as rejected (dead-lettered without a handler
 * call). Acknowledgements are batched: one {@code XACK} in flight at a time, with every id that finished
 * meanwhile. A heartbeat ({@code XCLAIM ... JUSTID}) keeps the entries this consumer holds from being reclaimed.
 */
final class StreamConsumer implements ConsumerTransport<StreamConsumer.Entry> {

    /** One stream entry: its id, its CloudEvents JSON (a stand-in's for a malformed entry). */
    record Entry(String id, byte[] json, boolean malformed) {
        @Override
        public String toString() {
            return id;
        }
    }

    private final RedisStreamsEventBus bus;
    private final EventSubscription subscription;
    private final String group;
    private final String consumerName;
    private final Consumer<String> me;
    private final String streamKey;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Queue<String> acks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ackInFlight = new AtomicBoolean();
    private final Duration reclaimInterval;
    private final Counter reclaimed;
    private final RedisStreamsEventBus.GroupStats stats;
    private final AtomicBoolean readerClosed = new AtomicBoolean();
    private volatile @Nullable StatefulRedisConnection<String, byte[]> readerConnection;
    private volatile @Nullable ConnectionFuture<StatefulRedisConnection<String, byte[]>> pendingConnect;
    private volatile boolean groupReady;
    private volatile boolean stopping;
    private boolean readOwnPending = true; // fetch thread only
    private long nextReclaim; // fetch thread only
    private @Nullable ScheduledFuture<?> statsTask;
    private @Nullable ScheduledFuture<?> keepAliveTask;
    private @Nullable EngineConsumer<Entry> engineConsumer;

    StreamConsumer(RedisStreamsEventBus bus, EventSubscription subscription, String consumerName) {
        this.bus = bus;
        this.subscription = subscription;
        this.group = subscription.id();
        this.consumerName = consumerName;
        this.me = Consumer.from(group, consumerName);
        this.streamKey = bus.streamKey;
        Duration half = bus.config.minIdleBeforeReclaim().dividedBy(2);
        this.reclaimInterval = half.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : half;
        this.nextReclaim = System.nanoTime() + reclaimInterval.toNanos();
        this.reclaimed = bus.metrics.track(Counter.builder("platform.events.reclaimed")
                .description("Entries reclaimed from idle consumers with XAUTOCLAIM")
                .tags("transport", "redis", "subscription", group)
                .register(bus.metrics.registry));
        this.stats = bus.metrics.groupStats(group);
    }

    /** Creates the group (at {@code $}) if needed and starts the engine's consumer on this transport. */
    EngineConsumer<Entry> start() {
        try {
            createGroup("$");
        } catch (RuntimeException e) {
            log.warn("Could not create consumer group {} on {} yet (will retry): {}", group, streamKey, e.getMessage());
        }
        int concurrency = Math.max(subscription.concurrency(), bus.config.handlerConcurrency());
        ConsumerSettings settings = ConsumerSettings.builder("redis-events-" + group + "-reader")
                .concurrency(concurrency)
                .maxInFlight(bus.config.batchSize() * 2 + concurrency)
                .build();
        long statsMillis = Math.min(5000, Math.max(200, reclaimInterval.toMillis()));
        statsTask = bus.scheduler()
                .scheduleWithFixedDelay(this::refreshStats, statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        long keepAliveMillis = Math.max(30, bus.config.minIdleBeforeReclaim().toMillis() / 3);
        keepAliveTask = bus.scheduler()
                .scheduleWithFixedDelay(
                        this::keepInFlightEntries, keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
        EngineConsumer<Entry> consumer = bus.engine.start(subscription, this, settings);
        this.engineConsumer = consumer;
        log.info(
                "Subscription {} started: consumer {} on {} (types {}, concurrency {})",
                group,
                consumerName,
                streamKey,
                subscription.types(),
                concurrency);
        return consumer;
    }

    private void createGroup(String from) {
        try {
            bus.await(bus.commands()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(streamKey, from), group, XGroupCreateArgs.Builder.mkstream()));
            log.debug("Created consumer group {} on {} at {}", group, streamKey, from);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    // ------------------------------------------------------------------------------------------ reading

    @Override
    public List<Inbound<Entry>> fetch(int max) throws Exception {
        try {
            StatefulRedisConnection<String, byte[]> conn = readerConnection;
            if (conn == null) {
                conn = connectReader();
                readerConnection = conn;
                readerClosed.set(false);
                if (stopping) {
                    closeReader();
                    return List.of();
                }
            }
            RedisAsyncCommands<String, byte[]> commands = conn.async();
            if (!groupReady) {
                createGroup("$");
            }
            if (readOwnPending) {
                readOwnPending = false; // before the read: it sets the flag again when more than a batch is pending
                List<Inbound<Entry>> own = readOwnPending(commands);
                if (!own.isEmpty()) {
                    return own;
                }
            }
            if (System.nanoTime() - nextReclaim >= 0) {
                List<Inbound<Entry>> claimed = reclaim();
                nextReclaim = System.nanoTime() + reclaimInterval.toNanos();
                if (!claimed.isEmpty()) {
                    return claimed;
                }
            }
            if (max == 0) {
                return List.of(); // every in-flight slot is taken
            }
            List<StreamMessage<String, byte[]>> entries = awaitRead(commands.xreadgroup(
                    me,
                    XReadArgs.Builder.block(bus.config.blockTime()).count(Math.min(max, bus.config.batchSize())),
                    XReadArgs.StreamOffset.lastConsumed(streamKey)));
            return toInbound(entries, null);
        } catch (Exception e) {
            readOwnPending = true;
            if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                log.warn(
                        "Consumer group {} is missing from {} (Redis restarted without persistence, or the group was"
                                + " deleted); recreating it from the start of the stream",
                        group,
                        streamKey);
                groupReady = false;
                createGroup("0");
            }
            throw e;
        }
    }

    /**
     * Connects the reader connection, waiting at most the publish timeout plus a margin (the handshake is bounded by
     * the same timeout); {@link #wakeUp} cancels the wait, so closing never waits for a connect to a hung server.
     */
    private StatefulRedisConnection<String, byte[]> connectReader() throws Exception {
        ConnectionFuture<StatefulRedisConnection<String, byte[]>> future = bus.connectReader();
        pendingConnect = future;
        try {
            if (stopping) {
                future.cancel(true);
            }
            return future.get(bus.options.publishTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            future.thenAccept(StatefulRedisConnection::closeAsync); // completing after all: closed, not leaked
            throw e;
        } catch (CancellationException | InterruptedException e) {
            future.cancel(true); // closing; the client's shutdown closes a connection that completes anyway
            throw e;
        } finally {
            pendingConnect = null;
        }
    }

    private <T> T awaitRead(RedisFuture<T> future) throws Exception {
        long millis =
                bus.config.blockTime().toMillis() + bus.options.publishTimeout().toMillis() + 500;
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
    private List<Inbound<Entry>> readOwnPending(RedisAsyncCommands<String, byte[]> commands) throws Exception {
        List<Inbound<Entry>> out = new ArrayList<>();
        String from = "0";
        while (!stopping) {
            List<StreamMessage<String, byte[]>> entries = awaitRead(commands.xreadgroup(
                    me, XReadArgs.Builder.count(bus.config.batchSize()), XReadArgs.StreamOffset.from(streamKey, from)));
            if (entries.isEmpty()) {
                break;
            }
            out.addAll(toInbound(withoutInFlight(entries), deliveryCounts(entries)));
            from = entries.get(entries.size() - 1).getId();
            if (out.size() >= bus.config.batchSize()) {
                readOwnPending = true; // the rest on the next fetch
                break;
            }
        }
        return out;
    }

    /** Takes over entries that have been pending longer than minIdleBeforeReclaim on any consumer. */
    private List<Inbound<Entry>> reclaim() {
        List<Inbound<Entry>> out = new ArrayList<>();
        String cursor = "0-0";
        int rounds = 0;
        do {
            ClaimedMessages<String, byte[]> claimed = bus.await(bus.commands()
                    .xautoclaim(
                            streamKey,
                            new XAutoClaimArgs<String>()
                                    .consumer(me)
                                    .minIdleTime(bus.config.minIdleBeforeReclaim())
                                    .startId(cursor)
                                    .count(bus.config.batchSize())));
            List<StreamMessage<String, byte[]>> fresh = withoutInFlight(claimed.getMessages());
            if (!fresh.isEmpty()) {
                reclaimed.increment(fresh.size());
                log.info(
                        "Subscription {} consumer {} reclaimed {} entr{} idle for over {}",
                        group,
                        consumerName,
                        fresh.size(),
                        fresh.size() == 1 ? "y" : "ies",
                        bus.config.minIdleBeforeReclaim());
                out.addAll(toInbound(fresh, deliveryCounts(fresh)));
            }
            cursor = claimed.getId();
        } while (!stopping && !"0-0".equals(cursor) && ++rounds < 10);
        return out;
    }

    private List<StreamMessage<String, byte[]>> withoutInFlight(List<StreamMessage<String, byte[]>> entries) {
        List<StreamMessage<String, byte[]>> fresh = new ArrayList<>(entries.size());
        for (StreamMessage<String, byte[]> m : entries) {
            if (!inFlight.contains(m.getId())) {
                fresh.add(m);
            }
        }
        return fresh;
    }

    /** How often each entry was delivered, for the maxDeliveries limit. */
    private Map<String, Long> deliveryCounts(List<StreamMessage<String, byte[]>> entries) {
        Map<String, Long> counts = new HashMap<>();
        if (entries.isEmpty()) {
            return counts;
        }
        String first = entries.get(0).getId();
        String last = entries.get(entries.size() - 1).getId();
        List<PendingMessage> pending = bus.await(bus.commands()
                .xpending(
                        streamKey,
                        XPendingArgs.Builder.xpending(me, Range.create(first, last), Limit.from(entries.size() * 2L))));
        for (PendingMessage p : pending) {
            counts.put(p.getId(), p.getRedeliveryCount());
        }
        return counts;
    }

    /**
     * Turns entries into inbound records: deleted (trimmed) entries and replays for other subscriptions are
     * acknowledged at once; malformed entries and entries over the delivery limit are rejected.
     */
    private List<Inbound<Entry>> toInbound(
            List<StreamMessage<String, byte[]>> entries, @Nullable Map<String, Long> counts) {
        List<Inbound<Entry>> out = new ArrayList<>(entries.size());
        List<String> skip = null;
        for (StreamMessage<String, byte[]> m : entries) {
            String id = m.getId();
            Map<String, byte[]> body = m.getBody();
            byte[] replayFor = body == null ? null : body.get(RedisStreamsEventBus.FIELD_REPLAY_FOR);
            if (body == null
                    || body.isEmpty()
                    || (replayFor != null && !group.equals(new String(replayFor, StandardCharsets.UTF_8)))) {
                // deleted or trimmed while pending, or a dead letter replayed for another subscription
                if (skip == null) {
                    skip = new ArrayList<>();
                }
                skip.add(id);
                continue;
            }
            if (!inFlight.add(id)) {
                continue; // already being handled here
            }
            long deliveries = counts == null ? 1 : counts.getOrDefault(id, 1L);
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
                log.warn(
                        "Subscription {}: stream entry {} is not a valid event, dead-lettering it: {}",
                        group,
                        id,
                        e.getMessage());
                out.add(Inbound.rejected(
                        stand, new Entry(id, DeadLetters.utf8(CloudEventJson.write(stand)), true), e, 1));
                continue;
            }
            Entry entry = new Entry(id, json, false);
            if (deliveries > bus.config.maxDeliveries()) {
                String message = "delivered " + deliveries + " times without being acknowledged (over maxDeliveries "
                        + bus.config.maxDeliveries() + "): its consumers crashed or stalled while handling it";
                out.add(Inbound.rejected(event, entry, new DeliveryLimitExceededException(message), (int)
                        Math.min(Integer.MAX_VALUE, deliveries)));
            } else if (replayFor != null) {
                out.add(Inbound.replay(event, entry));
            } else {
                out.add(Inbound.of(event, entry));
            }
        }
        if (skip != null) {
            ack(skip.toArray(String[]::new));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ outcomes

    @Override
    public void acknowledge(Inbound<Entry> inbound) {
        String id = inbound.record().id();
        inFlight.remove(id);
        ackSoon(id);
    }

    @Override
    public void release(Inbound<Entry> inbound) {
        inFlight.remove(inbound.record().id()); // it stays pending and is delivered again
    }

    @Override
    public void deadLetter(Inbound<Entry> inbound, DeadLetter dl) {
        Entry e = inbound.record();
        bus.writeDeadLetter(
                group,
                DeadLetters.fields(
                        e.json(),
                        group,
                        dl.errorClass(),
                        dl.errorMessage(),
                        dl.attempts(),
                        dl.firstFailure(),
                        dl.lastFailure(),
                        e.id(),
                        e.malformed()));
    }

    /**
     * Queues an acknowledgement and sends it at once unless an {@code XACK} is already on its way; ids queued
     * meanwhile go in one {@code XACK} as soon as that one is answered. So an acknowledgement waits at most one
     * round trip, and a burst costs one command per round trip rather than one per event.
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
                log.debug(
                        "Subscription {}: XACK of {} entr(ies) failed; they will be delivered again: {}",
                        group,
                        batch.length,
                        e.getMessage());
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
        try {
            bus.commands().xack(streamKey, group, ids).whenComplete((n, e) -> {
                if (e != null) {
                    log.debug(
                            "Subscription {}: XACK of {} entr(ies) failed; they will be delivered again: {}",
                            group,
                            ids.length,
                            e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            log.debug("Subscription {}: XACK not sent (closing): {}", group, e.getMessage());
        }
    }

    /**
     * Resets the idle time of every entry this consumer holds (queued, being handled or waiting for a retry), so
     * that live consumers never lose entries to {@code XAUTOCLAIM} however long their handlers run; only a
     * consumer that stopped sending this heartbeat (crashed, hung, partitioned) has its entries reclaimed.
     * {@code XCLAIM ... JUSTID} does not count as a delivery.
     */
    private void keepInFlightEntries() {
        if (stopping || inFlight.isEmpty()) {
            return;
        }
        String[] ids = inFlight.toArray(String[]::new);
        bus.commands()
                .xclaim(streamKey, me, XClaimArgs.Builder.justid().minIdleTime(0), ids)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        log.debug(
                                "Subscription {}: could not refresh {} in-flight entries: {}",
                                group,
                                ids.length,
                                e.getMessage());
                    }
                });
    }

    // ------------------------------------------------------------------------------------------ stats, lifecycle

    private void refreshStats() {
        if (stopping) {
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

    @Override
    public void wakeUp() {
        stopping = true;
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[] {statsTask, keepAliveTask}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        ConnectionFuture<StatefulRedisConnection<String, byte[]>> connecting = pendingConnect;
        if (connecting != null) {
            connecting.cancel(true); // ends a connect waiting for a hung server at once
        }
        closeReader(); // ends a blocked XREADGROUP at once
    }

    private void closeReader() {
        StatefulRedisConnection<String, byte[]> conn = readerConnection;
        if (conn != null && readerClosed.compareAndSet(false, true)) {
            conn.closeAsync();
            readerConnection = null;
        }
    }

    @Override
    public void close() {
        wakeUp();
        flushAcks();
        bus.removed(this);
        log.info("Subscription {} consumer {} stopped", group, consumerName);
    }

    String consumerName() {
        return consumerName;
    }

    String id() {
        return group;
    }

    EngineConsumer<Entry> engineConsumer() {
        EngineConsumer<Entry> c = engineConsumer;
        if (c == null) {
            throw new IllegalStateException("not started");
        }
        return c;
    }

    /** The cause recorded when an entry exceeded maxDeliveries. */
    static final class DeliveryLimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeliveryLimitExceededException(String message) {
            super(message);
        }
    }
}
