package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Servers of its own: replay is paused and servers are stopped and started. */
@PlatformTest(replicas = 1, isolatedServers = true)
class ReplicaFailureTest {

    private static final UUID A = UUID.randomUUID();
    private static AppDatabase app;
    private static DatabaseManager db;
    private static MeterRegistry registry;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        registry = new SimpleMeterRegistry();
        db = DatabaseManager.create(app.config()
                .meterRegistry(registry)
                .acquireTimeout(Duration.ofSeconds(1))
                .maxReplicaLag(Duration.ofSeconds(30))
                .build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static void replay(boolean paused) throws SQLException {
        try (Connection c = app.pg.openReplica(0);
                Statement st = c.createStatement()) {
            st.execute(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
        }
    }

    private static Committed<UUID> write(String body) {
        return db.inTransaction(
                A,
                h -> h.queryOne(
                                "INSERT INTO notes (tenant_id, body) VALUES (?, ?) RETURNING id",
                                r -> r.getObject(1, UUID.class),
                                A,
                                body)
                        .orElseThrow());
    }

    private static double fallbacks(String reason) {
        return registry.find("platform.db.read.fallbacks")
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void replicaWithPausedReplayIsSkippedForCausalReads() throws SQLException {
        replay(true);
        try {
            Committed<UUID> written = write("after pause");
            String target = db.read(A, ReadConsistency.causal(written.token()), Handle::target);
            List<String> seen = db.read(
                    A,
                    ReadConsistency.causal(written.token()),
                    h -> h.query("SELECT body FROM notes WHERE id = ?", r -> r.getString(1), written.value()));
            assertThat(target).isEqualTo("test-primary");
            assertThat(seen).containsExactly("after pause");
        } finally {
            replay(false);
        }
        Committed<UUID> later = write("after resume");
        app.pg.awaitReplication();
        assertThat(db.read(A, ReadConsistency.causal(later.token()), Handle::target))
                .isEqualTo("test-replica-1");
    }

    @Test
    void replicaWithPausedReplayIsSkippedForReadsWithALagBound() throws SQLException {
        replay(true);
        try {
            write("lagging");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.find("platform.db.replica.lag")
                                    .tag("replica", "test-replica-1")
                                    .gauge()
                                    .value()
                            > 0.5);
            double before = fallbacks("lagging");
            String bounded = db.read(A, ReadConsistency.replica(Duration.ofMillis(300)), Handle::target);
            String relaxed = db.read(A, ReadConsistency.replica(Duration.ofHours(1)), Handle::target);
            assertThat(bounded).isEqualTo("test-primary");
            assertThat(relaxed).isEqualTo("test-replica-1");
            assertThat(fallbacks("lagging") - before).isEqualTo(1);
        } finally {
            replay(false);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> db.read(A, ReadConsistency.replica(Duration.ofMillis(300)), Handle::target)
                        .equals("test-replica-1"));
    }

    @Test
    void readsNeverFailWhileTheReplicaIsStoppedAndReturnToItAfterItRestarts() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<String> targetsDuringOutage = ConcurrentHashMap.newKeySet();
        AtomicBoolean outage = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            load.submit(() -> {
                while (!stop.get()) {
                    try {
                        String target = db.read(
                                A,
                                ReadConsistency.replica(),
                                h -> h.queryOne("SELECT count(*) FROM notes", r -> r.getLong(1))
                                        .map(n -> h.target())
                                        .orElseThrow());
                        if (outage.get()) {
                            targetsDuringOutage.add(target);
                        }
                        reads.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
        }
        try {
            await().until(() -> reads.get() > 50);
            app.pg.stopReplica(0);
            outage.set(true);
            long atStop = reads.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> reads.get() > atStop + 200);
            outage.set(false);
            HealthCheck replicaCheck = db.healthChecks().get(1);
            assertThat(replicaCheck.check().status()).isEqualTo(HealthStatus.DOWN);
            app.pg.startReplica(0);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> db.read(A, ReadConsistency.replica(), Handle::target)
                            .equals("test-replica-1"));
        } finally {
            stop.set(true);
            load.shutdown();
            load.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(failures).isEmpty();
        assertThat(targetsDuringOutage).contains("test-primary");
        assertThat(fallbacks("unavailable") + fallbacks("failed")).isPositive();
    }

    @Test
    void writesFailFastWithAClearExceptionWhileThePrimaryIsDown() {
        app.pg.stopPrimary();
        try {
            assertTimeoutPreemptively(
                    Duration.ofSeconds(15),
                    () -> assertThatThrownBy(() -> write("nowhere"))
                            .isInstanceOf(DatabaseUnavailableException.class)
                            .hasMessageContaining("test-primary is unavailable"));
            assertThat(db.healthChecks().get(0).check().status()).isEqualTo(HealthStatus.DOWN);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            app.pg.startPrimary();
        }
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> write("back").value() != null);
    }
}
