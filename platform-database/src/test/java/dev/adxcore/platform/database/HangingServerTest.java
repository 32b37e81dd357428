package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers that hang instead of dying (SIGSTOP: a paused VM, a stuck disk), with the default timeouts: every
 * unit of work returns within its documented bound. The bounds are asserted with a generous margin (never a
 * tight timing), and the measured times are printed as {@code [measured] ...}.
 */
@PlatformTest(replicas = 1, isolatedServers = true)
class HangingServerTest {

    private static final UUID A = UUID.randomUUID();
    /** Slack on top of each documented bound for a loaded 2-core machine: the assertions catch hangs, not slowness. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private static AppDatabase app;
    private static DatabaseManager db;
    private static MeterRegistry registry;
    private static DatabaseConfig config;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        registry = new SimpleMeterRegistry();
        DatabaseConfig defaults = DatabaseConfig.builder()
                .primaryUrl("jdbc:postgresql://x/y")
                .username("u")
                .build();
        // the defaults of a service, except the pool sizes of the test fixture
        config = app.config()
                .meterRegistry(registry)
                .acquireTimeout(defaults.acquireTimeout())
                .socketTimeout(defaults.socketTimeout())
                .replicaRecheckInterval(defaults.replicaRecheckInterval())
                .build();
        db = DatabaseManager.create(config);
        write("warm-up");
        awaitInRotation();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void defaultsBoundEveryWaitForTheServer() {
        assertThat(config.acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.socketTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.replicaRecheckInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void statementInFlightWhenThePrimaryFreezesFailsWithDatabaseUnavailable() {
        long[] frozenAt = new long[1];
        try {
            assertThatThrownBy(() -> db.inTransaction(A, h -> {
                        h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "before the freeze");
                        app.pg.freezePrimary();
                        frozenAt[0] = System.nanoTime();
                        return h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "during the freeze");
                    }))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("test-primary is unavailable");
            Duration failedAfter = since(frozenAt[0]);
            report("write in flight on a frozen primary failed after", failedAfter);
            assertThat(failedAfter).isLessThan(config.socketTimeout().plus(MARGIN));
        } finally {
            app.pg.thawPrimary();
        }
        Duration resumed = untilWriteSucceeds();
        report("writes resumed after the primary thawed in", resumed);
    }

    @Test
    void newWriteOnAFrozenPrimaryFailsWithDatabaseUnavailable() {
        app.pg.freezePrimary();
        long started = System.nanoTime();
        try {
            assertThatThrownBy(() -> write("frozen")).isInstanceOf(DatabaseUnavailableException.class);
            Duration failedAfter = since(started);
            report("new write on a frozen primary failed after", failedAfter);
            assertThat(failedAfter)
                    .isLessThan(
                            config.acquireTimeout().plus(config.socketTimeout()).plus(MARGIN));
        } finally {
            app.pg.thawPrimary();
        }
        Duration resumed = untilWriteSucceeds();
        report("writes resumed after the primary thawed in", resumed);
    }

    @Test
    void readInFlightWhenTheReplicaFreezesIsServedByThePrimary() {
        AtomicBoolean frozen = new AtomicBoolean();
        long[] frozenAt = new long[1];
        try {
            String servedBy = db.read(A, ReadConsistency.replica(), h -> {
                if (h.target().equals("test-replica-1") && frozen.compareAndSet(false, true)) {
                    app.pg.freezeReplica(0);
                    frozenAt[0] = System.nanoTime();
                }
                h.query("SELECT body FROM notes", r -> r.getString(1));
                return h.target();
            });
            if (!frozen.get()) {
                // the router chose the primary (replica not in rotation at that moment): nothing was measured
                assertThat(servedBy).isEqualTo("test-primary");
                return;
            }
            Duration fellBack = since(frozenAt[0]);
            report("read in flight on a frozen replica answered by the primary after", fellBack);
            assertThat(servedBy).isEqualTo("test-primary");
            assertThat(fellBack).isLessThan(config.socketTimeout().plus(MARGIN));
        } finally {
            app.pg.thawReplica(0);
        }
        report("replica back in rotation after thaw in", untilInRotation());
    }

    @Test
    void frozenReplicaLeavesRotationWithinItsRecheckIntervalAndReadsGoToThePrimary() {
        app.pg.freezeReplica(0);
        long frozenAt = System.nanoTime();
        try {
            // a probe of a frozen replica waits at most min(recheck interval, 1 s) for its answer
            await().atMost(config.replicaRecheckInterval()
                            .plus(Duration.ofSeconds(1))
                            .plus(MARGIN))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> !replicaAvailable());
            report("frozen replica out of rotation after", since(frozenAt));
            long started = System.nanoTime();
            assertThat(db.read(A, ReadConsistency.replica(), HangingServerTest::queryAndTarget))
                    .isEqualTo("test-primary");
            report("read with the frozen replica out of rotation took", since(started));
        } finally {
            app.pg.thawReplica(0);
        }
        report("replica back in rotation after thaw in", untilInRotation());
    }

    @Test
    void crashedReplicaRejoinsWithinItsRecheckIntervalOnceStarted() {
        app.pg.crashReplica(0);
        try {
            await().atMost(config.replicaRecheckInterval().plus(MARGIN)).until(() -> !replicaAvailable());
        } finally {
            app.pg.startReplica(0);
        }
        Duration rejoined = untilInRotation();
        report("restarted replica back in rotation after", rejoined);
        // its next probe (at most one interval away) connects at once and takes it back
        assertThat(rejoined)
                .isLessThan(config.replicaRecheckInterval()
                        .plus(Duration.ofSeconds(1))
                        .plus(MARGIN));
    }

    @Test
    void writesResumeRightAfterACrashedPrimaryStartsAgain() {
        app.pg.crashPrimary();
        try {
            assertThatThrownBy(() -> write("crashed")).isInstanceOf(DatabaseUnavailableException.class);
        } finally {
            app.pg.startPrimary();
        }
        Duration resumed = untilWriteSucceeds();
        report("writes resumed after the crashed primary started again in", resumed);
        // broken pooled connections are checked on borrow and replaced at once
        assertThat(resumed).isLessThan(config.acquireTimeout().plus(MARGIN));
        awaitInRotation();
    }

    @Test
    void aUnitThatSaysSoMayWaitLongerThanTheSocketTimeout() throws SQLException {
        try (DatabaseManager shortBound = DatabaseManager.create(app.config()
                .name("short")
                .replicaUrls(java.util.List.of())
                .maxConnections(1)
                .minConnections(1)
                .socketTimeout(Duration.ofSeconds(1))
                .build())) {
            String slow = "SELECT pg_sleep(2)::text";

            String longUnit = shortBound.read(A, ReadConsistency.latest(), h -> {
                h.allowLongStatements(Duration.ofSeconds(30));
                return h.queryOne(slow, r -> "slept").orElseThrow();
            });
            assertThat(longUnit).isEqualTo("slept");

            // the next unit (the pool's only connection) has the default bound again
            assertThatThrownBy(() -> shortBound.read(
                            A,
                            ReadConsistency.latest(),
                            h -> h.queryOne(slow, r -> "slept").orElseThrow()))
                    .isInstanceOf(DatabaseUnavailableException.class);
        }
    }

    private static String queryAndTarget(Handle h) throws SQLException {
        h.query("SELECT body FROM notes", r -> r.getString(1));
        return h.target();
    }

    private static void write(String body) {
        db.inTransaction(A, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, body));
    }

    private static Duration untilWriteSucceeds() {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    write("after thaw");
                    return true;
                });
        return since(started);
    }

    private static boolean replicaAvailable() {
        return registry.find("platform.db.replica.available")
                        .tag("replica", "test-replica-1")
                        .gauge()
                        .value()
                == 1;
    }

    private static void awaitInRotation() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(HangingServerTest::replicaAvailable);
    }

    private static Duration untilInRotation() {
        long started = System.nanoTime();
        awaitInRotation();
        return since(started);
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private static void report(String what, Duration took) {
        System.out.println("[measured] " + what + " " + took.toMillis() + " ms");
    }
}
