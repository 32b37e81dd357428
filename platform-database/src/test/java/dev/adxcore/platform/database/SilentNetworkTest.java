package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.FaultProxy;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network to a server goes silent (the kit's {@link FaultProxy} black-holes it: connections stay open,
 * nothing arrives): the default socket timeout bounds every unit of work, as with a frozen server. Works on
 * the JVM's shared servers, since only the path between client and server is touched.
 */
@PlatformTest(replicas = 1)
class SilentNetworkTest {

    private static final UUID A = UUID.randomUUID();
    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static AppDatabase app;
    private static DatabaseManager db;
    private static DatabaseConfig config;
    private static FaultProxy primary;
    private static FaultProxy replica;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        primary = pg.primaryProxy();
        replica = pg.replicaProxy(0);
        config = app.config()
                .primaryUrl(primary.urlWithoutCredentials())
                .replicaUrls(List.of(replica.urlWithoutCredentials()))
                .acquireTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(5))
                .replicaRecheckInterval(Duration.ofSeconds(1))
                .build();
        db = DatabaseManager.create(config);
        write("warm-up");
    }

    @AfterAll
    static void tearDown() {
        primary.restore();
        replica.restore();
        db.close();
    }

    @Test
    void writeFailsWithDatabaseUnavailableWhenTheNetworkToThePrimaryGoesSilent() {
        long[] silentAt = new long[1];
        try {
            assertThatThrownBy(() -> db.inTransaction(A, h -> {
                        h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "before");
                        primary.blackhole();
                        silentAt[0] = System.nanoTime();
                        return h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "during");
                    }))
                    .isInstanceOf(DatabaseUnavailableException.class);
            Duration failedAfter = since(silentAt[0]);
            System.out.println("[measured] write in flight behind a black-holed network failed after "
                    + failedAfter.toMillis() + " ms");
            assertThat(failedAfter).isLessThan(config.socketTimeout().plus(MARGIN));
        } finally {
            primary.restore();
        }
        long restored = System.nanoTime();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    write("after");
                    return true;
                });
        System.out.println("[measured] writes resumed after the network came back in "
                + since(restored).toMillis() + " ms");
    }

    @Test
    void readFallsBackToThePrimaryWhenTheNetworkToTheReplicaGoesSilent() {
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        db.read(A, ReadConsistency.replica(), Handle::target).equals("test-replica-1"));
        AtomicBoolean silenced = new AtomicBoolean();
        long[] silentAt = new long[1];
        try {
            String servedBy = db.read(A, ReadConsistency.replica(), h -> {
                if (h.target().equals("test-replica-1") && silenced.compareAndSet(false, true)) {
                    replica.blackhole();
                    silentAt[0] = System.nanoTime();
                }
                h.query("SELECT body FROM notes", r -> r.getString(1));
                return h.target();
            });
            assertThat(servedBy).isEqualTo("test-primary");
            if (silenced.get()) {
                Duration fellBack = since(silentAt[0]);
                System.out.println("[measured] read in flight behind a black-holed network answered by the primary"
                        + " after " + fellBack.toMillis() + " ms");
                assertThat(fellBack).isLessThan(config.socketTimeout().plus(MARGIN));
            }
        } finally {
            replica.restore();
        }
    }

    private static void write(String body) {
        db.inTransaction(A, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, body));
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
