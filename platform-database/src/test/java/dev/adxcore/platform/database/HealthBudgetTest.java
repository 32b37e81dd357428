package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness answers within the registry's timeout with the primary and the replica really stopped, and
 * a shorter registry timeout (the documented setting) brings it under Kubernetes' default 1 s probe
 * timeout. The database checks carry no timeout of their own that could override the registry's.
 */
@PlatformTest(replicas = 1, isolatedServers = true)
class HealthBudgetTest {

    private static AppDatabase app;
    private static DatabaseManager db;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        // an acquire timeout far above every probe budget: the checks must not inherit it
        db = DatabaseManager.create(
                app.config().acquireTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
        if (app.pg.canControlServers()) {
            app.pg.startPrimary();
            app.pg.startReplica(0);
        }
    }

    @Test
    void noDatabaseCheckCarriesATimeoutOfItsOwn() {
        assertThat(db.healthChecks())
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.timeout()).isEmpty());
    }

    @Test
    void readinessAnswersWithinTheRegistryTimeoutWithPrimaryAndReplicaStopped() {
        org.junit.jupiter.api.Assumptions.assumeTrue(app.pg.canControlServers(), "the kit cannot stop these servers");
        try (HealthRegistry healthy = registry(Duration.ofSeconds(2))) {
            assertThat(healthy.readiness().status()).isEqualTo(HealthStatus.UP);
        }
        app.pg.stopReplica(0);
        app.pg.stopPrimary();
        try (HealthRegistry byDefault = registry(Duration.ofSeconds(2));
                HealthRegistry kubernetes = registry(Duration.ofMillis(800))) {
            long start = System.nanoTime();
            HealthReport report = byDefault.readiness();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(elapsedMillis)
                    .as("readiness with the documented 2 s timeout")
                    .isLessThan(2_500);

            start = System.nanoTime();
            report = kubernetes.readiness();
            elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(elapsedMillis)
                    .as("readiness with PLATFORM_HEALTH_TIMEOUT=800ms")
                    .isLessThan(1_000);
        } finally {
            app.pg.startPrimary();
            app.pg.startReplica(0);
        }
    }

    private static HealthRegistry registry(Duration timeout) {
        HealthRegistry r = HealthRegistry.builder()
                .defaultTimeout(timeout)
                .cacheTtl(Duration.ofMillis(1))
                .build();
        for (HealthCheck c : db.healthChecks()) {
            r.register(c);
        }
        return r;
    }
}
