package dev.adxcore.platform.events.kafka.internal;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.spi.ConsumerTransport;
import dev.adxcore.platform.events.spi.EngineConsumer;
import dev.adxcore.platform.events.spi.Inbound;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka half of one consumer (one member of the subscription's consumer group): polling, tracking offsets,
 * committing, and handing partitions back on a rebalance. Everything else is the shared delivery engine's.
 *
 * <p><b>Offsets are committed only after handling.</b> Each fetched record gets a slot in its partition's
 * tracker, in offset order; the engine marks a slot done when the record was handled, skipped or dead-lettered.
 * The committable offset of a partition is one past the last slot of its unbroken done prefix, so a record still
 * in flight (or given back) holds the commit back and is delivered again after a crash or rebalance. Commits go
 * out from the poll thread after every poll that advanced them ({@code commitAsync}), and synchronously when
 * partitions are revoked and at close.
 *
 * <p><b>Rebalances.</b> When partitions are revoked, the engine gives back their queued records and waits (up to
 * the subscription's handler timeout plus 2 s, at most half of {@code maxPollInterval}) for their running
 * handlers; then what is done is committed and the partitions' trackers are dropped (a late acknowledgement is
 * ignored: the new owner reads from the committed offset). Lost partitions are given back without a commit.
 *
 * <p><b>Flow control.</b> When the engine has no room, the assigned partitions are paused and the consumer keeps
 * polling (heartbeats, rebalances, commits) until there is room again.
 */
final class KafkaTransport implements ConsumerTransport<KafkaTransport.Slot> {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    /** One fetched record and whether it is done. */
    static final class Slot {
        final Tracker tracker;
        final ConsumerRecord<byte[], byte[]> record;
        final boolean malformed;
        volatile boolean done;

        Slot(Tracker tracker, ConsumerRecord<byte[], byte[]> record, boolean malformed) {
            this.tracker = tracker;
            this.record = record;
            this.malformed = malformed;
        }

        @Override
        public String toString() {
            return tracker.partition + "@" + record.offset();
        }
    }

    /** The fetched, not yet committed records of one assigned partition, in offset order. */
    static final class Tracker {
        final TopicPartition partition;
        private final ArrayDeque<Slot> slots = new ArrayDeque<>();
        volatile boolean revoked;

        Tracker(TopicPartition partition) {
            this.partition = partition;
        }

        synchronized Slot add(ConsumerRecord<byte[], byte[]> record, boolean malformed) {
            Slot s = new Slot(this, record, malformed);
            slots.addLast(s);
            return s;
        }

        /** @return the offset to commit (one past the done prefix), or -1 when it did not advance */
        synchronized long advance() {
            long next = -1;
            while (!slots.isEmpty() && slots.peekFirst().done) {
                next = slots.pollFirst().record.offset() + 1;
            }
            return next;
        }
    }

    private final KafkaEventBus bus;
    private final EventSubscription subscription;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Tracker> trackers = new HashMap<>(); // fetch thread only
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>(); // fetch thread only
    private final Set<TopicPartition> paused = new HashSet<>(); // fetch thread only
    private final AtomicLong lag;
    private @Nullable EngineConsumer<Slot> engine;
    /** Completed at the consumer's first assignment (possibly empty): it has joined its group. */
    final java.util.concurrent.CompletableFuture<Void> joined = new java.util.concurrent.CompletableFuture<>();

    private volatile boolean stopping;
    private boolean subscribed;
    private long nextLagRefresh;

    KafkaTransport(KafkaEventBus bus, EventSubscription subscription, KafkaConsumer<byte[], byte[]> consumer) {
        this.bus = bus;
        this.subscription = subscription;
        this.groupId = bus.config.groupId(subscription.id());
        this.consumer = consumer;
        this.lag = bus.lagGauge(subscription.id());
    }

    @Override
    public void started(EngineConsumer<Slot> consumer) {
        this.engine = consumer;
    }

    // ------------------------------------------------------------------------------------------ fetch

    @Override
    public List<Inbound<Slot>> fetch(int max) {
        if (!subscribed) {
            consumer.subscribe(List.of(bus.config.topic()), new Listener());
            subscribed = true;
        }
        commitDone(false);
        flowControl(max);
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(bus.config.pollTimeout());
        } catch (WakeupException e) {
            if (stopping) {
                return List.of();
            }
            throw e;
        }
        refreshLag();
        if (records.isEmpty()) {
            return List.of();
        }
        List<Inbound<Slot>> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Tracker tracker = trackers.computeIfAbsent(tp, Tracker::new);
            String replayFor = Records.header(r.headers(), Records.REPLAY_FOR);
            if (replayFor != null && !replayFor.equals(subscription.id())) {
                tracker.add(r, false).done = true; // a dead letter replayed for another subscription
                continue;
            }
            Event event;
            try {
                if (r.value() == null) {
                    throw new dev.adxcore.platform.events.InvalidEventException("record has no value (a tombstone)");
                }
                event = CloudEventJson.read(r.value());
            } catch (RuntimeException e) {
                log.warn(
                        "Subscription {}: record {}-{}@{} is not a valid event, dead-lettering it: {}",
                        subscription.id(),
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getMessage());
                Event stand = Records.malformed(r.topic(), r.partition(), r.offset(), r.key(), r.value());
                out.add(Inbound.rejected(stand, tracker.add(r, true), e, 1));
                continue;
            }
            Slot slot = tracker.add(r, false);
            out.add(replayFor != null ? Inbound.replay(event, slot) : Inbound.of(event, slot));
        }
        return out;
    }

    /** Pauses every assigned partition while the engine has no room; resumes them when it has. */
    private void flowControl(int max) {
        if (max == 0) {
            Set<TopicPartition> assigned = consumer.assignment();
            List<TopicPartition> toPause = new ArrayList<>();
            for (TopicPartition tp : assigned) {
                if (paused.add(tp)) {
                    toPause.add(tp);
                }
            }
            if (!toPause.isEmpty()) {
                consumer.pause(toPause);
            }
        } else if (!paused.isEmpty()) {
            List<TopicPartition> toResume = new ArrayList<>();
            for (TopicPartition tp : paused) {
                if (consumer.assignment().contains(tp)) {
                    toResume.add(tp);
                }
            }
            consumer.resume(toResume);
            paused.clear();
        }
    }

    private void refreshLag() {
        long now = System.nanoTime();
        if (now - nextLagRefresh < 0) {
            return;
        }
        nextLagRefresh = now + 2_000_000_000L;
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        lag.set(sum);
    }

    /** Commits what advanced: asynchronously, or (revocation, close) synchronously for the given partitions. */
    private void commitDone(boolean sync, Collection<TopicPartition> only) {
        toCommit.clear();
        for (TopicPartition tp : only) {
            Tracker t = trackers.get(tp);
            if (t != null) {
                long next = t.advance();
                if (next >= 0) {
                    toCommit.put(tp, new OffsetAndMetadata(next));
                }
            }
        }
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(toCommit);
        if (sync) {
            try {
                consumer.commitSync(offsets, bus.options.publishTimeout());
            } catch (RuntimeException e) {
                log.warn(
                        "Subscription {}: committing {} failed; those records will be delivered again: {}",
                        subscription.id(),
                        offsets,
                        e.toString());
            }
        } else {
            consumer.commitAsync(offsets, (committed, e) -> {
                if (e != null) {
                    log.debug(
                            "Subscription {}: commit failed (retried with the next one): {}",
                            subscription.id(),
                            e.toString());
                    requeue(committed == null ? offsets : committed);
                }
            });
        }
    }

    private void commitDone(boolean sync) {
        commitDone(sync, List.copyOf(trackers.keySet()));
    }

    /** After a failed async commit: commit those offsets again with the next one (unless superseded). */
    private final Map<TopicPartition, OffsetAndMetadata> failedCommits = new HashMap<>();

    private void requeue(Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (trackers.containsKey(e.getKey())) {
                failedCommits.merge(e.getKey(), e.getValue(), (a, b) -> a.offset() >= b.offset() ? a : b);
            }
        }
        if (!failedCommits.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> again = new HashMap<>(failedCommits);
            failedCommits.clear();
            consumer.commitAsync(again, (c, e) -> {
                if (e != null) {
                    log.debug("Subscription {}: commit failed again: {}", subscription.id(), e.toString());
                }
            });
        }
    }

    /** Rebalance callbacks; they run inside poll, on the fetch thread. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> revoked = new HashSet<>(partitions);
            EngineConsumer<Slot> e = engine;
            Duration wait = subscription.handlerTimeout().plusSeconds(2);
            Duration cap = bus.config.maxPollInterval().dividedBy(2);
            if (wait.compareTo(cap) > 0) {
                wait = cap;
            }
            boolean finished = e == null || e.revoke(s -> revoked.contains(s.tracker.partition), wait);
            commitDone(true, revoked);
            drop(revoked);
            log.info(
                    "Subscription {}: partitions {} revoked{}",
                    subscription.id(),
                    revoked,
                    finished ? "" : " (some handlers were still running; their records will be delivered again)");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> lost = new HashSet<>(partitions);
            EngineConsumer<Slot> e = engine;
            if (e != null) {
                e.revoke(s -> lost.contains(s.tracker.partition), Duration.ZERO);
            }
            drop(lost);
            log.warn(
                    "Subscription {}: partitions {} lost (the group moved on without this consumer); their"
                            + " records in flight will be delivered again",
                    subscription.id(),
                    lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined.complete(null);
            if (!partitions.isEmpty()) {
                log.info("Subscription {}: partitions {} assigned", subscription.id(), partitions);
            }
        }

        private void drop(Set<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Tracker t = trackers.remove(tp);
                if (t != null) {
                    t.revoked = true;
                }
                paused.remove(tp);
                failedCommits.remove(tp);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ outcomes

    @Override
    public void acknowledge(Inbound<Slot> inbound) {
        inbound.record().done = true; // committed by the fetch thread (ignored when the partition was revoked)
    }

    @Override
    public void deadLetter(Inbound<Slot> inbound, DeadLetter deadLetter) {
        Slot s = inbound.record();
        bus.writeDeadLetter(subscription.id(), s.record, deadLetter, s.malformed);
    }

    @Override
    public void wakeUp() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        Thread.interrupted();
        try {
            commitDone(true);
        } catch (RuntimeException e) {
            log.debug("Subscription {}: final commit failed: {}", subscription.id(), e.toString());
        }
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.debug("Subscription {}: closing the Kafka consumer failed: {}", subscription.id(), e.toString());
        }
        bus.removed(this);
        log.info("Subscription {} consumer of group {} stopped", subscription.id(), groupId);
    }

    String subscriptionId() {
        return subscription.id();
    }

    EngineConsumer<Slot> engineConsumer() {
        EngineConsumer<Slot> e = engine;
        if (e == null) {
            throw new IllegalStateException("not started");
        }
        return e;
    }
}
