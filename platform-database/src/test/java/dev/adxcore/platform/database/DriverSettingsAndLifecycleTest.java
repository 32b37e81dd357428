package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Driver settings pgjdbc splits the one-round-trip form with are handled or refused; close() runs once. */
@PlatformTest(replicas = 0)
class DriverSettingsAndLifecycleTest {

    private static AppDatabase app;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
    }

    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"simpel", "extendedCache", "batch"})
    void anUnknownQueryModeIsRefusedAtStartUpNamingTheSettingAndTheFix(String mode) {
        assertThatThrownBy(() -> DatabaseManager.create(
                        app.config().driverProperty("preferQueryMode", mode).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("preferQueryMode=" + mode)
                .hasMessageContaining("use extended (the default)");
    }

    @Test
    void anUnknownQueryModeInTheUrlIsRefusedToo() {
        assertThatThrownBy(() -> DatabaseManager.create(app.config()
                        .primaryUrl(app.config().build().primaryUrl() + "?preferQueryMode=fast")
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("preferQueryMode=fast");
    }

    @Test
    void aNonNumericPrepareThresholdIsRefused() {
        assertThatThrownBy(() -> DatabaseManager.create(
                        app.config().driverProperty("prepareThreshold", "often").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prepareThreshold must be an integer");
    }

    @Test
    void simpleQueryModeStillSetsTheTenantForReads() throws SQLException {
        UUID a = UUID.randomUUID();
        app.superuser("INSERT INTO notes (tenant_id, body) VALUES ('" + a + "', 'simple-a')");
        try (DatabaseManager db = DatabaseManager.create(app.config()
                .name("simple")
                .driverProperty("preferQueryMode", "simple")
                .build())) {
            List<String> seen = db.read(
                    a,
                    ReadConsistency.latest(),
                    h -> h.query("SELECT body FROM notes WHERE body <> ?", r -> r.getString(1), "zzz"));
            assertThat(seen).containsExactly("simple-a");
        }
    }

    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"extended", "simple", "extendedForPrepared"})
    void aTenantLessReadStaysReadOnlyInEveryQueryMode(String mode) throws SQLException {
        String table = "plain_" + mode.toLowerCase();
        app.superuser(
                "CREATE TABLE IF NOT EXISTS " + table + " (id int)",
                "GRANT SELECT, INSERT ON " + table + " TO " + app.role);
        try (DatabaseManager db = DatabaseManager.create(app.config()
                .name("ro-" + mode.toLowerCase())
                .driverProperty("preferQueryMode", mode)
                .build())) {
            assertThatThrownBy(() -> db.readWithoutTenant(
                            ReadConsistency.latest(),
                            h -> h.query(
                                    "WITH x AS (INSERT INTO " + table + " VALUES (1) RETURNING id) SELECT id FROM x",
                                    r -> r.getInt(1))))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("25006");
        }
        assertThat(app.queryString("SELECT count(*)::text FROM " + table)).isEqualTo("0");
    }

    @Test
    void concurrentClosesShutDownOnce() throws Exception {
        Map<String, AtomicInteger> removals = new ConcurrentHashMap<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry() {
            @Override
            public Meter remove(Meter.Id id) {
                removals.computeIfAbsent(id.toString(), k -> new AtomicInteger())
                        .incrementAndGet();
                return super.remove(id);
            }
        };
        DatabaseManager db = DatabaseManager.create(
                app.config().name("closing").meterRegistry(registry).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> closes = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                closes.add(pool.submit(() -> {
                    go.await();
                    db.close();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : closes) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(removals).isNotEmpty();
        assertThat(removals.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThatThrownBy(() -> db.read(ReadConsistency.latest(), h -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
