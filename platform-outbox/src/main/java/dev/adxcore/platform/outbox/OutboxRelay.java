package dev.adxcore.platform.outbox;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.outbox.internal.Keys;
import dev.adxcore.platform.outbox.internal.LocalRelays;
import dev.adxcore.platform.outbox.internal.RoleChecks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox events to an {@link EventBus} (in-memory, Redis, Kafka: any transport), at
 * least once and in order per aggregate, from any number of service instances at once.
 *
 * <pre>{@code
 * DatabaseManager relayDb = DatabaseManager.create(DatabaseConfig.fromEnvironment(relayEnv).build()); // the relay role
 * OutboxRelay relay = OutboxRelay.create(relayDb, bus, OutboxRelayConfig.fromEnvironment().build()).start();
 * healthRegistry.registerAll(relay.healthChecks());
 * ...
 * relay.close();
 * }</pre>
 *
 * <p><b>How instances share the work (partition locks).</b> Every event's aggregate hashes to one of 64
 * partitions. A relay transaction takes {@code pg_try_advisory_xact_lock} on up to
 * {@link OutboxRelayConfig#partitionsPerBatch()} partitions that have pending events (skipping partitions
 * another relay holds, like {@code SKIP LOCKED} does for rows), then, in a new statement and so a new
 * snapshot, reads the oldest pending events of those partitions in outbox order, publishes them as one
 * batch ({@link EventBus#publishAll}), marks them published and commits, which releases the locks. While a
 * relay holds a partition no other relay publishes from it, so an aggregate's events go out one relay at a
 * time, in order. A relay that dies (SIGKILL, lost network) loses its connection, PostgreSQL rolls its
 * transaction back and releases the locks at once: another relay publishes the same events again, in the
 * same order (consumers see a redelivered prefix, never a later event before an earlier one). Row locks
 * with {@code SKIP LOCKED} alone cannot give this: a second relay would skip the locked head of an
 * aggregate and publish its next event first. Leases would need a fencing token and a lease timeout before
 * takeover; the transaction's lifetime is a lease PostgreSQL ends for us.
 *
 * <p><b>Waking up.</b> A started relay is woken directly by the {@link Outbox} units of the same database (same
 * primary URL) in its JVM once they commit; those units then send no notification. With
 * {@link OutboxRelayConfig#isListen()} the relay also LISTENs on {@code platform_outbox} (one connection of its
 * pool) for the commits of processes without a local relay, whose recording notifies inside the writer's
 * transaction (PostgreSQL delivers it at commit). Without either (LISTEN off, connection lost, an event recorded
 * in another instance next to its own relay) the relay polls every {@link OutboxRelayConfig#pollInterval()}.
 *
 * <p><b>Failures.</b> A publish that fails (bus down, timeout) leaves the event and everything after it
 * pending; the relay retries with backoff ({@link OutboxRelayConfig#minBackoff()} doubling to
 * {@link OutboxRelayConfig#maxBackoff()}) for as long as it takes, so events wait and drain when the bus is
 * back. A poison event, one the bus refuses as invalid ({@link InvalidEventException}: too large, malformed),
 * is parked with its cause ({@link #parked(int)}) and the aggregate's next events go on: one bad event must
 * not stop an aggregate forever. An operator fixes the cause and calls {@link #requeue(long)}; the event is then
 * published after the ones that overtook it.
 *
 * <p><b>Retention.</b> Published rows are kept for {@link OutboxRelayConfig#publishedRetention()} (zero: deleted
 * when published) and inbox entries for {@link OutboxRelayConfig#inboxRetention()}, then deleted in batches of
 * {@link OutboxRelayConfig#purgeBatchSize()}, each its own short transaction, so the tables stay small and
 * autovacuum keeps up (the migrations set per-table autovacuum thresholds for queue-like tables).
 *
 * <p><b>Meters</b> (tag {@code relay}): gauges {@code platform.outbox.pending}, {@code platform.outbox.parked},
 * {@code platform.outbox.oldest.age} (seconds); timer {@code platform.outbox.relay.lag} (record to publish);
 * counters {@code platform.outbox.relay.published}, {@code platform.outbox.relay.parked},
 * {@code platform.outbox.relay.failures}, {@code platform.outbox.purged} (tag {@code table}). Health:
 * {@code outbox.<name>}, non-critical, DEGRADED when the oldest pending event is older than
 * {@link OutboxRelayConfig#maxPendingAge()}.
 *
 * <p><b>Roles.</b> The relay needs a database manager of the relay role (named in the {@code relay_access}
 * policies of {@link OutboxSchema}): it sees every tenant's outbox rows and nothing else. {@link #create}
 * checks it.
 *
 * <p>Thread-safe. An expensive resource: once started it runs {@code workers} relay threads, one listener
 * thread when {@code listen} is on (holding one connection of the pool) and one maintenance thread, and every
 * batch costs a few round trips to the database and a publish: create one per service and close it.
 *
 * @since 0.1.0
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String PENDING = "published_at IS NULL AND parked_at IS NULL";
    // Both statements have one plan whatever the table's statistics say. A burst after a quiet spell is exactly when
    // the statistics are stale (they describe the empty outbox autovacuum last analyzed), and planned on estimates
    // the same statements hashed every pending row to find the non-empty partitions (54-77 ms at 100k pending)
    // and sorted every pending row of the locked partitions (11-16 ms): a LIMIT inside LATERAL can only run as one
    // probe of the pending index per partition, reading no more rows than it returns.
    private static final String LOCK_PARTITIONS = "SELECT c.p FROM (SELECT g.p FROM generate_series(0, "
            + (Keys.PARTITIONS - 1) + ") AS g(p) CROSS JOIN LATERAL (SELECT 1 FROM " + OutboxSchema.OUTBOX_TABLE
            + " o WHERE o.partition_no = g.p AND o." + PENDING.replace(" AND ", " AND o.")
            + " LIMIT 1) AS x ORDER BY (g.p + ?) % "
            + Keys.PARTITIONS + " OFFSET 0) AS c WHERE pg_try_advisory_xact_lock(?, c.p) LIMIT ?";
    // The oldest pending events of each locked partition after a given id, at most ? per partition.
    private static final String CLAIM = "SELECT o.id, o.payload, o.attempts,"
            + " (extract(epoch FROM clock_timestamp() - o.recorded_at) * 1000000)::bigint, q.p FROM unnest(?::int[], ?::bigint[])"
            + " AS q(p, after) CROSS JOIN LATERAL (SELECT id, payload, attempts, recorded_at FROM "
            + OutboxSchema.OUTBOX_TABLE
            + " WHERE partition_no = q.p AND id > q.after AND " + PENDING + " ORDER BY id LIMIT ?) AS o";
    // Claim rounds per batch: the first gives every locked partition an equal share, later ones the rest of the
    // batch to the partitions that filled theirs (so one hot aggregate still fills a batch in a few rounds).
    private static final int MAX_CLAIM_ROUNDS = 4;
    private static final String MARK_PUBLISHED = "UPDATE " + OutboxSchema.OUTBOX_TABLE
            + " SET published_at = clock_timestamp(), attempts = attempts + 1 WHERE id = ANY(?)";
    private static final String DELETE_PUBLISHED = "DELETE FROM " + OutboxSchema.OUTBOX_TABLE + " WHERE id = ANY(?)";
    private static final String PARK = "UPDATE " + OutboxSchema.OUTBOX_TABLE
            + " SET parked_at = clock_timestamp(), attempts = attempts + 1, last_error = ? WHERE id = ?";
    private static final String FAILED =
            "UPDATE " + OutboxSchema.OUTBOX_TABLE + " SET attempts = attempts + 1, last_error = ? WHERE id = ?";
    private static final String STATS =
            "SELECT (SELECT count(*) FROM " + OutboxSchema.OUTBOX_TABLE + " WHERE " + PENDING
                    + "), (SELECT count(*) FROM " + OutboxSchema.OUTBOX_TABLE
                    + " WHERE parked_at IS NOT NULL AND published_at IS NULL),"
                    + " (SELECT COALESCE((extract(epoch FROM clock_timestamp() - min(recorded_at)) * 1000)::bigint, 0) FROM "
                    + OutboxSchema.OUTBOX_TABLE + " WHERE " + PENDING + ")";
    private static final String PURGE_OUTBOX =
            "DELETE FROM " + OutboxSchema.OUTBOX_TABLE + " WHERE id IN (SELECT id FROM " + OutboxSchema.OUTBOX_TABLE
                    + " WHERE published_at < clock_timestamp() - make_interval(secs => ?) ORDER BY id LIMIT ?)";
    private static final String PURGE_INBOX = "DELETE FROM " + OutboxSchema.INBOX_TABLE
            + " WHERE (subscription_id, event_id) IN (SELECT subscription_id, event_id FROM " + OutboxSchema.INBOX_TABLE
            + " WHERE processed_at < clock_timestamp() - make_interval(secs => ?) LIMIT ?)";
    private static final String PARKED =
            "SELECT id, tenant_id, event_id, event_type, attempts, parked_at, last_error FROM "
                    + OutboxSchema.OUTBOX_TABLE
                    + " WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY id LIMIT ?";
    private static final String REQUEUE = "UPDATE " + OutboxSchema.OUTBOX_TABLE
            + " SET parked_at = NULL, attempts = 0, last_error = NULL WHERE id = ? AND parked_at IS NOT NULL AND published_at IS NULL";
    private static final int MAX_PURGE_BATCHES_PER_RUN = 100;

    private final DatabaseManager db;
    private final EventBus bus;
    private final OutboxRelayConfig config;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();
    private @Nullable ScheduledExecutorService maintenance;
    private final AtomicReference<@Nullable Connection> listenConnection = new AtomicReference<>();
    private final AtomicInteger offset =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(Keys.PARTITIONS));
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong parkedCount = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final AtomicReference<@Nullable String> lastFailure = new AtomicReference<>();
    private final Counter published;
    private final Counter parkedCounter;
    private final Counter failures;
    private final Counter purgedOutbox;
    private final Counter purgedInbox;
    private final Timer lag;
    private final List<Meter> meters = new ArrayList<>();
    private final HealthCheck health;
    private final String databaseKey;
    private final Runnable localWake = this::wakeWorkers;

    private OutboxRelay(DatabaseManager db, EventBus bus, OutboxRelayConfig config) {
        this.db = db;
        this.databaseKey = LocalRelays.key(db);
        this.bus = bus;
        this.config = config;
        MeterRegistry r = config.meterRegistry();
        String relay = config.name();
        published = register(Counter.builder("platform.outbox.relay.published")
                .tag("relay", relay)
                .description("events published by the relay")
                .register(r));
        parkedCounter = register(Counter.builder("platform.outbox.relay.parked")
                .tag("relay", relay)
                .description("events parked as poison")
                .register(r));
        failures = register(Counter.builder("platform.outbox.relay.failures")
                .tag("relay", relay)
                .description("relay batches that failed (bus or database) and were retried")
                .register(r));
        purgedOutbox = register(Counter.builder("platform.outbox.purged")
                .tag("relay", relay)
                .tag("table", "outbox")
                .description("rows deleted by retention")
                .register(r));
        purgedInbox = register(Counter.builder("platform.outbox.purged")
                .tag("relay", relay)
                .tag("table", "inbox")
                .description("rows deleted by retention")
                .register(r));
        lag = register(Timer.builder("platform.outbox.relay.lag")
                .tag("relay", relay)
                .description("time from recording an event to its publish")
                .publishPercentiles(0.5, 0.99)
                .register(r));
        register(Gauge.builder("platform.outbox.pending", pending, AtomicLong::get)
                .tag("relay", relay)
                .description("committed events not yet published")
                .register(r));
        register(Gauge.builder("platform.outbox.parked", parkedCount, AtomicLong::get)
                .tag("relay", relay)
                .description("events parked as poison")
                .register(r));
        register(Gauge.builder("platform.outbox.oldest.age", oldestAgeMillis, v -> v.get() / 1000.0)
                .tag("relay", relay)
                .baseUnit("seconds")
                .description("age of the oldest pending event")
                .register(r));
        health = new RelayHealth();
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }

    /**
     * Creates a relay (not started) and checks that the database's role is the relay role.
     *
     * @param relayDb a database manager connected as the relay role
     * @param bus where events are published
     * @param config the settings
     * @return the relay; call {@link #start()}
     * @throws IllegalStateException when the role is not named in the outbox's {@code relay_access} policy (it would
     *         see no tenant's rows), or the schema is missing
     */
    public static OutboxRelay create(DatabaseManager relayDb, EventBus bus, OutboxRelayConfig config) {
        Objects.requireNonNull(relayDb, "relayDb");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(config, "config");
        List<String> roles = relayDb.readWithoutTenant(ReadConsistency.latest(), RoleChecks::relayRolesOfCurrentUser);
        if (roles.isEmpty()) {
            throw new IllegalStateException("the role of " + relayDb.config().name() + " ('"
                    + relayDb.config().username()
                    + "') is not the outbox relay role: it would see no tenant's outbox rows. Connect the relay as the "
                    + "relay role given to OutboxSchema (its relay_access policy names it)");
        }
        return new OutboxRelay(relayDb, bus, config);
    }

    /**
     * Starts the worker, listener and maintenance threads. Idempotent.
     *
     * @return this relay
     * @throws IllegalStateException after {@link #close()}
     */
    public OutboxRelay start() {
        if (closed) {
            throw new IllegalStateException("outbox relay " + config.name() + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            return this;
        }
        LOG.info("outbox relay {} - starting ({})", config.name(), config);
        synchronized (threads) {
            for (int i = 0; i < config.workers(); i++) {
                threads.add(thread("outbox-" + config.name() + "-relay-" + i, this::workLoop));
            }
            if (config.isListen()) {
                threads.add(thread("outbox-" + config.name() + "-listener", this::listenLoop));
            }
        }
        ScheduledExecutorService m = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-" + config.name() + "-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance = m;
        m.scheduleWithFixedDelay(
                this::refreshStatsQuietly, 0, config.statsInterval().toMillis(), TimeUnit.MILLISECONDS);
        m.scheduleWithFixedDelay(
                this::purgeQuietly,
                config.purgeInterval().toMillis(),
                config.purgeInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        LocalRelays.register(databaseKey, localWake);
        LOG.info("outbox relay {} - started", config.name());
        return this;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Runs one relay transaction on the calling thread: locks free partitions with pending events, publishes
     * their oldest events (up to {@link OutboxRelayConfig#batchSize()}), marks them and commits. The worker
     * threads call this in a loop; tests and tools may call it directly.
     *
     * @return how many events were published or parked (0 when nothing was pending or free)
     * @throws OutboxPublishException when publishing failed transiently (what was published before is committed)
     * @throws dev.adxcore.platform.database.DatabaseException when the database fails (nothing is committed)
     */
    public int relayOnce() {
        Outcome outcome = db.inTransactionWithoutTenant(this::relayBatch).value();
        published.increment(outcome.published);
        parkedCounter.increment(outcome.parked);
        long afterCommit = System.nanoTime();
        for (int i = 0; i < outcome.published; i++) {
            lag.record(outcome.ageMicros[i] * 1000 + (afterCommit - outcome.selectedAtNanos), TimeUnit.NANOSECONDS);
        }
        if (outcome.failure != null) {
            throw new OutboxPublishException(
                    "publishing failed after " + outcome.published + " event(s) of the batch (" + "relay "
                            + config.name() + "): " + describe(outcome.failure),
                    outcome.failure);
        }
        return outcome.published + outcome.parked;
    }

    private Outcome relayBatch(Handle h) throws SQLException {
        int start = Math.floorMod(offset.getAndAdd(config.partitionsPerBatch()), Keys.PARTITIONS);
        List<Integer> partitions = h.query(
                LOCK_PARTITIONS, r -> r.getInt(1), start, Keys.PARTITION_LOCK_CLASS, config.partitionsPerBatch());
        if (partitions.isEmpty()) {
            return Outcome.NOTHING;
        }
        List<Claimed> rows =
                claim(h, partitions.stream().mapToInt(Integer::intValue).toArray());
        long selectedAt = System.nanoTime();
        if (rows.isEmpty()) {
            return Outcome.NOTHING;
        }
        List<Claimed> valid = new ArrayList<>(rows.size());
        List<Claimed> parked = new ArrayList<>();
        for (Claimed c : rows) {
            try {
                c.event = CloudEventJson.read(c.payload);
                valid.add(c);
            } catch (RuntimeException e) {
                c.cause = e;
                parked.add(c);
            }
        }
        List<Claimed> done = new ArrayList<>(valid.size());
        Throwable failure = null;
        Claimed failed = null;
        if (!valid.isEmpty()) {
            List<Event> events = new ArrayList<>(valid.size());
            for (Claimed c : valid) {
                events.add(c.event);
            }
            Throwable batchFailure = await(() -> bus.publishAll(events));
            if (batchFailure == null) {
                done.addAll(valid);
            } else {
                LOG.debug(
                        "outbox relay {} - batch of {} failed ({}); publishing one by one",
                        config.name(),
                        events.size(),
                        describe(batchFailure));
                for (Claimed c : valid) {
                    Event e = Objects.requireNonNull(c.event);
                    Throwable f = await(() -> bus.publish(e));
                    if (f == null) {
                        done.add(c);
                    } else if (isPoison(f) || (config.maxAttempts() > 0 && c.attempts + 1 >= config.maxAttempts())) {
                        c.cause = f;
                        parked.add(c);
                    } else {
                        failure = f;
                        failed = c;
                        break;
                    }
                }
            }
        }
        if (!done.isEmpty()) {
            long[] ids = new long[done.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = done.get(i).id;
            }
            h.update(config.publishedRetention().isZero() ? DELETE_PUBLISHED : MARK_PUBLISHED, ids);
        }
        for (Claimed c : parked) {
            Throwable cause = Objects.requireNonNull(c.cause);
            LOG.warn(
                    "outbox relay {} - parked event of outbox row {} ({}): {}",
                    config.name(),
                    c.id,
                    c.event == null ? "unreadable" : c.event.type(),
                    describe(cause));
            h.update(PARK, truncate(describe(cause)), c.id);
        }
        if (failed != null) {
            h.update(FAILED, truncate(describe(Objects.requireNonNull(failure))), failed.id);
        }
        long[] ages = new long[done.size()];
        for (int i = 0; i < ages.length; i++) {
            ages[i] = done.get(i).ageMicros;
        }
        return new Outcome(done.size(), parked.size(), ages, selectedAt, failure);
    }

    /**
     * Reads up to {@code batchSize} of the oldest pending events of the locked partitions: for each partition a
     * prefix of its pending events in outbox order (what per-aggregate order needs), sorted by outbox id, so that
     * a batch that fails part-way leaves a suffix of every partition pending. Each round gives the partitions
     * still in play an equal share of what is left of the batch; a partition that filled its share stays in play.
     */
    private List<Claimed> claim(Handle h, int[] parts) throws SQLException {
        List<Claimed> rows = new ArrayList<>(config.batchSize());
        long[] after = new long[Keys.PARTITIONS]; // the last id claimed, per partition number
        int[] from = parts;
        for (int round = 0; round < MAX_CLAIM_ROUNDS && from.length > 0 && rows.size() < config.batchSize(); round++) {
            int budget = config.batchSize() - rows.size();
            if (from.length > budget) {
                from = Arrays.copyOf(from, budget);
            }
            int share = budget / from.length;
            long[] fromAfter = new long[from.length];
            for (int i = 0; i < from.length; i++) {
                fromAfter[i] = after[from[i]];
            }
            List<Claimed> got = h.query(
                    CLAIM,
                    r -> new Claimed(r.getLong(1), r.getBytes(2), r.getInt(3), r.getLong(4), r.getInt(5)),
                    from,
                    fromAfter,
                    share);
            int[] taken = new int[Keys.PARTITIONS];
            for (Claimed c : got) {
                taken[c.partition]++;
                after[c.partition] = Math.max(after[c.partition], c.id);
            }
            rows.addAll(got);
            from = Arrays.stream(from).filter(p -> taken[p] >= share).toArray();
        }
        rows.sort(Comparator.comparingLong(c -> c.id));
        return rows;
    }

    private interface Publish {
        java.util.concurrent.CompletionStage<Void> run();
    }

    private @Nullable Throwable await(Publish publish) {
        try {
            publish.run().toCompletableFuture().get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (TimeoutException e) {
            return new TimeoutException("the bus did not confirm the publish within publishTimeout "
                    + Settings.formatDuration(config.publishTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static boolean isPoison(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidEventException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + ": " + t.getMessage();
    }

    private static String truncate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000);
    }

    private void workLoop() {
        int consecutiveFailures = 0;
        while (!closed) {
            int n;
            try {
                n = relayOnce();
                if (consecutiveFailures > 0) {
                    LOG.info(
                            "outbox relay {} - publishing again after {} failed attempt(s)",
                            config.name(),
                            consecutiveFailures);
                    consecutiveFailures = 0;
                    lastFailure.set(null);
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                failures.increment();
                consecutiveFailures++;
                lastFailure.set(e.getMessage());
                long backoff = backoffMillis(consecutiveFailures);
                if (consecutiveFailures == 1) {
                    LOG.warn(
                            "outbox relay {} - {}; events stay pending and are retried (backoff up to {})",
                            config.name(),
                            e.getMessage(),
                            Settings.formatDuration(config.maxBackoff()));
                } else {
                    LOG.debug(
                            "outbox relay {} - attempt {} failed: {}",
                            config.name(),
                            consecutiveFailures,
                            e.getMessage());
                }
                sleep(backoff);
                continue;
            }
            if (n == 0) {
                try {
                    if (wake.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private long backoffMillis(int failures) {
        long min = config.minBackoff().toMillis();
        long max = config.maxBackoff().toMillis();
        long b = min << Math.min(failures - 1, 20);
        b = Math.min(Math.max(b, min), max);
        return b / 2 + ThreadLocalRandom.current().nextLong(b / 2 + 1);
    }

    private void sleep(long millis) {
        try {
            // A notification does not end a backoff: the bus or database needs the time.
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listenLoop() {
        int failuresInARow = 0;
        while (!closed) {
            try (Connection c = db.primary().getConnection()) {
                listenConnection.set(c);
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Keys.CHANNEL);
                }
                if (failuresInARow > 0) {
                    LOG.info("outbox relay {} - listening for commits again", config.name());
                }
                failuresInARow = 0;
                wakeWorkers(); // anything committed while not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                int timeout = (int) Math.min(250, config.pollInterval().toMillis()); // bounds how long close() waits
                while (!closed) {
                    PGNotification[] n = pg.getNotifications(timeout);
                    if (n != null && n.length > 0) {
                        wakeWorkers();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                failuresInARow++;
                if (failuresInARow == 1) {
                    LOG.warn(
                            "outbox relay {} - LISTEN connection lost ({}); polling every {} until it is back",
                            config.name(),
                            e.getMessage(),
                            Settings.formatDuration(config.pollInterval()));
                }
                sleep(backoffMillis(failuresInARow));
            } finally {
                listenConnection.set(null);
            }
        }
    }

    private void wakeWorkers() {
        if (wake.availablePermits() < config.workers()) {
            wake.release(config.workers());
        }
    }

    /**
     * Reads the outbox's counts and the age of its oldest pending event (one query, every tenant).
     *
     * @return the snapshot
     * @throws dev.adxcore.platform.database.DatabaseException when the query fails
     */
    public OutboxStats stats() {
        OutboxStats s = db.readWithoutTenant(
                ReadConsistency.latest(),
                h -> h.queryOne(
                                STATS,
                                r -> new OutboxStats(r.getLong(1), r.getLong(2), Duration.ofMillis(r.getLong(3))))
                        .orElseThrow());
        pending.set(s.pending());
        parkedCount.set(s.parked());
        oldestAgeMillis.set(s.oldestPendingAge().toMillis());
        return s;
    }

    private void refreshStatsQuietly() {
        try {
            stats();
        } catch (RuntimeException e) {
            LOG.debug("outbox relay {} - stats query failed: {}", config.name(), e.getMessage());
        }
    }

    /**
     * Deletes published rows past {@link OutboxRelayConfig#publishedRetention()} and inbox entries past
     * {@link OutboxRelayConfig#inboxRetention()}, in transactions of {@link OutboxRelayConfig#purgeBatchSize()} rows
     * (at most 100 per table per call). The maintenance thread calls it every {@link OutboxRelayConfig#purgeInterval()}.
     *
     * @return rows deleted
     * @throws dev.adxcore.platform.database.DatabaseException when a delete fails
     */
    public long purge() {
        long total = 0;
        if (!config.publishedRetention().isZero()) {
            long n = purge(PURGE_OUTBOX, config.publishedRetention());
            purgedOutbox.increment(n);
            total += n;
        }
        if (!config.inboxRetention().isZero()) {
            long n = purge(PURGE_INBOX, config.inboxRetention());
            purgedInbox.increment(n);
            total += n;
        }
        return total;
    }

    private long purge(String sql, Duration retention) {
        double seconds = retention.toNanos() / 1e9;
        long total = 0;
        for (int i = 0; i < MAX_PURGE_BATCHES_PER_RUN && !closed; i++) {
            int n = db.inTransactionWithoutTenant(h -> h.update(sql, seconds, config.purgeBatchSize()))
                    .value();
            total += n;
            if (n < config.purgeBatchSize()) {
                break;
            }
        }
        return total;
    }

    private void purgeQuietly() {
        try {
            long n = purge();
            if (n > 0) {
                LOG.debug("outbox relay {} - retention deleted {} row(s)", config.name(), n);
            }
        } catch (RuntimeException e) {
            LOG.debug("outbox relay {} - retention purge failed: {}", config.name(), e.getMessage());
        }
    }

    /**
     * Lists parked events, oldest first.
     *
     * @param limit at most this many, positive
     * @return the parked events
     * @throws IllegalArgumentException when limit is not positive
     */
    public List<ParkedEvent> parked(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive (was " + limit + ")");
        }
        return db.readWithoutTenant(
                ReadConsistency.latest(),
                h -> h.query(
                        PARKED,
                        r -> {
                            Timestamp at = r.getTimestamp(6);
                            String cause = r.getString(7);
                            return new ParkedEvent(
                                    r.getLong(1),
                                    r.getObject(2, UUID.class),
                                    r.getString(3),
                                    r.getString(4),
                                    r.getInt(5),
                                    at.toInstant(),
                                    cause == null ? "" : cause);
                        },
                        limit));
    }

    /**
     * Puts a parked event back in line (after its cause is fixed). It is published next in its partition, so
     * after any later events of its aggregate that were published while it was parked.
     *
     * @param outboxId {@link ParkedEvent#outboxId()}
     * @return true when a parked event was requeued
     */
    public boolean requeue(long outboxId) {
        boolean done =
                db.inTransactionWithoutTenant(h -> h.update(REQUEUE, outboxId)).value() == 1;
        if (done) {
            wakeWorkers();
        }
        return done;
    }

    /**
     * The relay's health check: {@code outbox.<name>}, non-critical; DEGRADED when the oldest pending event is
     * older than {@link OutboxRelayConfig#maxPendingAge()}, DOWN when the outbox cannot be read or the relay is closed.
     *
     * @return the checks (one)
     */
    public List<HealthCheck> healthChecks() {
        return List.of(health);
    }

    /** @return the relay's settings */
    public OutboxRelayConfig config() {
        return config;
    }

    /** Stops the threads (a batch in flight finishes or rolls back) and removes the meters. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LocalRelays.unregister(databaseKey, localWake);
        wake.release(config.workers() + 1);
        ScheduledExecutorService m = maintenance;
        if (m != null) {
            m.shutdownNow();
        }
        Connection listening = listenConnection.get();
        if (listening != null) {
            try {
                listening.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing the LISTEN connection failed", e);
            }
        }
        synchronized (threads) {
            for (Thread t : threads) {
                try {
                    t.join(config.publishTimeout().toMillis() + 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (t.isAlive()) {
                    t.interrupt();
                }
            }
        }
        meters.forEach(config.meterRegistry()::remove);
        LOG.info("outbox relay {} - closed", config.name());
    }

    @Override
    public String toString() {
        return "OutboxRelay{" + config.name() + ", db=" + db.config().name() + '}';
    }

    private final class RelayHealth implements HealthCheck {
        @Override
        public String name() {
            return "outbox." + config.name();
        }

        @Override
        public HealthResult check() {
            if (closed) {
                return HealthResult.down("outbox relay " + config.name() + " is closed");
            }
            OutboxStats s;
            try {
                s = stats();
            } catch (RuntimeException e) {
                return HealthResult.down(
                        "outbox relay " + config.name() + " cannot read the outbox: " + e.getMessage());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("pending", s.pending());
            details.put("parked", s.parked());
            details.put("oldestPendingAgeMillis", s.oldestPendingAge().toMillis());
            details.put("running", started.get());
            String failure = lastFailure.get();
            if (failure != null) {
                details.put("lastFailure", failure);
            }
            if (s.oldestPendingAge().compareTo(config.maxPendingAge()) > 0) {
                HealthResult r = HealthResult.degraded("the oldest pending outbox event has waited "
                        + Settings.formatDuration(s.oldestPendingAge()) + ", more than maxPendingAge "
                        + Settings.formatDuration(config.maxPendingAge())
                        + (failure == null ? "" : " (last failure: " + failure + ")"));
                for (Map.Entry<String, Object> e : details.entrySet()) {
                    r = r.withDetail(e.getKey(), e.getValue());
                }
                return r;
            }
            return HealthResult.up(details);
        }

        @Override
        public boolean isCritical() {
            return false;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private static final class Claimed {
        final long id;
        final byte[] payload;
        final int attempts;
        final long ageMicros;
        final int partition;

        @Nullable
        Event event;

        @Nullable
        Throwable cause;

        Claimed(long id, byte[] payload, int attempts, long ageMicros, int partition) {
            this.id = id;
            this.partition = partition;
            this.payload = payload;
            this.attempts = attempts;
            this.ageMicros = ageMicros;
        }
    }

    private static final class Outcome {
        static final Outcome NOTHING = new Outcome(0, 0, new long[0], 0, null);
        final int published;
        final int parked;
        final long[] ageMicros;
        final long selectedAtNanos;
        final @Nullable Throwable failure;

        Outcome(int published, int parked, long[] ageMicros, long selectedAtNanos, @Nullable Throwable failure) {
            this.published = published;
            this.parked = parked;
            this.ageMicros = ageMicros;
            this.selectedAtNanos = selectedAtNanos;
            this.failure = failure;
        }
    }
}
