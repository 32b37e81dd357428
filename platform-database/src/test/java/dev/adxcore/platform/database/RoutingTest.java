package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@PlatformTest(replicas = 2)
class RoutingTest {

    private static final UUID A = UUID.randomUUID();
    private static AppDatabase app;
    private static DatabaseManager db;
    private static MeterRegistry registry;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        registry = new SimpleMeterRegistry();
        db = DatabaseManager.create(app.config().meterRegistry(registry).build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static String target(UUID tenant, ReadConsistency consistency) {
        return db.read(tenant, consistency, Handle::target);
    }

    @Test
    void replicaReadsAlternateBetweenBothReplicas() {
        Map<String, Long> targets = IntStream.range(0, 40)
                .mapToObj(i -> target(A, ReadConsistency.replica()))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(targets).containsOnly(Map.entry("test-replica-1", 20L), Map.entry("test-replica-2", 20L));
    }

    @Test
    void replicaReadsReallyRunOnAHotStandby() {
        boolean inRecovery = db.read(
                A,
                ReadConsistency.replica(),
                h -> h.queryOne("SELECT pg_is_in_recovery()", r -> r.getBoolean(1))
                        .orElseThrow());
        assertThat(inRecovery).isTrue();
    }

    @Test
    void latestReadsGoToThePrimary() {
        assertThat(target(A, ReadConsistency.latest())).isEqualTo("test-primary");
    }

    @Test
    void causalReadAlwaysSeesTheWriteItFollows() {
        for (int i = 0; i < 30; i++) {
            String body = "note-" + i;
            Committed<UUID> written = db.inTransaction(
                    A,
                    h -> h.queryOne(
                                    "INSERT INTO notes (tenant_id, body) VALUES (?, ?) RETURNING id",
                                    r -> r.getObject(1, UUID.class),
                                    A,
                                    body)
                            .orElseThrow());
            List<String> seen = db.read(
                    A,
                    ReadConsistency.causal(written.token()),
                    h -> h.query("SELECT body FROM notes WHERE id = ?", r -> r.getString(1), written.value()));
            assertThat(seen).containsExactly(body);
        }
    }

    @Test
    void causalTokenFromAnOldWriteIsServedByAReplica() {
        Committed<Integer> written =
                db.inTransaction(A, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'old')", A));
        app.pg.awaitReplication();
        assertThat(target(A, ReadConsistency.causal(written.token()))).startsWith("test-replica-");
    }

    @Test
    void readInsideAWriteUnitUsesThatUnitsConnection() {
        Committed<List<String>> seen = db.inTransaction(A, h -> {
            h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'uncommitted')", A);
            return db.read(
                    A,
                    ReadConsistency.replica(),
                    inner -> List.of(
                            inner.target(),
                            inner.queryOne(
                                            "SELECT count(*)::text FROM notes WHERE body = 'uncommitted'",
                                            r -> r.getString(1))
                                    .orElseThrow()));
        });
        assertThat(seen.value()).containsExactly("test-primary", "1");
    }

    @Test
    void nodeThatIsNotInRecoveryIsNeverUsedAsAReplica() {
        String primaryAgain = AppDatabase.strip(app.pg.primaryJdbcUrl()) + "?ApplicationName=not-a-replica";
        try (DatabaseManager misconfigured = DatabaseManager.create(app.config()
                .name("misconfigured")
                .replicaUrls(List.of(primaryAgain))
                .build())) {
            String served = misconfigured.read(A, ReadConsistency.replica(), Handle::target);
            HealthResult health = check(misconfigured, "misconfigured-replica-1");
            assertThat(served).isEqualTo("misconfigured-primary");
            assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(health.error()).get().asString().contains("not in recovery");
        }
    }

    @Test
    void healthChecksReportThePrimaryAsCriticalAndReplicasAsNonCritical() throws Exception {
        List<HealthCheck> checks = db.healthChecks();
        assertThat(checks)
                .extracting(HealthCheck::name)
                .containsExactly("test.primary", "test-replica-1", "test-replica-2");
        assertThat(checks).extracting(HealthCheck::isCritical).containsExactly(true, false, false);
        for (HealthCheck check : checks) {
            assertThat(check.check().status()).as(check.name()).isEqualTo(HealthStatus.UP);
        }
    }

    @Test
    void readsAreCountedPerTarget() {
        double before = registry.find("platform.db.reads")
                .tag("target", "test-replica-1")
                .tag("consistency", "replica")
                .counter()
                .count();
        for (int i = 0; i < 10; i++) {
            target(A, ReadConsistency.replica());
        }
        double after = registry.find("platform.db.reads")
                .tag("target", "test-replica-1")
                .tag("consistency", "replica")
                .counter()
                .count();
        assertThat(after - before).isEqualTo(5);
        assertThat(registry.find("hikaricp.connections")
                        .tag("pool", "test-replica-2")
                        .gauge())
                .isNotNull();
        assertThat(registry.find("platform.db.replica.lag.bytes")
                        .tag("replica", "test-replica-1")
                        .gauge())
                .isNotNull();
    }

    private static HealthResult check(DatabaseManager manager, String name) {
        try {
            return manager.healthChecks().stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow()
                    .check();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
