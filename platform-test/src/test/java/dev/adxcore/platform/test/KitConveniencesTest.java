package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conveniences issue 12's product team reached for: URLs without credentials, replay control, PgBouncer, a bus URI. */
@PlatformTest(replicas = 1, isolatedServers = true)
class KitConveniencesTest {

    @BeforeAll
    static void createTable(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
        }
        db.awaitReplication();
    }

    @Test
    void urlsWithoutCredentialsConnectWithTheUserAndPasswordBesideThem(PostgresCluster db) throws SQLException {
        String url = db.primaryJdbcUrlWithoutCredentials();
        assertThat(url).doesNotContain("user=").doesNotContain("password=").contains("/" + db.databaseName());
        assertThat(db.replicaJdbcUrlsWithoutCredentials())
                .hasSize(1)
                .allSatisfy(u -> assertThat(u).doesNotContain("user=").doesNotContain("password="));
        try (Connection c = DriverManager.getConnection(url, db.username(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(db.username());
        }
    }

    @Test
    void withoutCredentialsKeepsOtherParameters() {
        assertThat(PostgresCluster.withoutCredentials("jdbc:postgresql://h:1/d?user=u&password=p&sslmode=disable"))
                .isEqualTo("jdbc:postgresql://h:1/d?sslmode=disable");
        assertThat(PostgresCluster.withoutCredentials("jdbc:postgresql://h:1/d?user=u"))
                .isEqualTo("jdbc:postgresql://h:1/d");
    }

    @Test
    void pausedReplayHoldsBackWritesUntilResumed(PostgresCluster db) throws SQLException {
        db.pauseReplay(0);
        try {
            try (Connection c = db.openPrimary();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO notes VALUES (1, 'held back')");
            }
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> countOnReplica(db) == 0);
        } finally {
            db.resumeReplay(0);
        }
        db.awaitReplication();
        assertThat(countOnReplica(db)).isEqualTo(1);
    }

    @Test
    void anApplyDelayDelaysReplay(PostgresCluster db) throws SQLException {
        db.setReplicaApplyDelay(0, Duration.ofSeconds(3));
        try {
            try (Connection c = db.openPrimary();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO notes VALUES (2, 'delayed')");
            }
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> countOnReplica(db) >= 2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
        } finally {
            db.setReplicaApplyDelay(0, Duration.ZERO);
        }
    }

    @Test
    void pgBouncerInTransactionModeSharesOneServerConnection(PostgresCluster db) throws SQLException {
        Assumptions.assumeTrue(
                PgBouncer.isAvailable(), "pgbouncer is not installed (scripts/ensure-test-servers.sh installs it)");
        try (PgBouncer bouncer = PgBouncer.start(db, List.of());
                Connection first =
                        DriverManager.getConnection(bouncer.jdbcUrl(db.databaseName()), db.username(), db.password());
                Connection second =
                        DriverManager.getConnection(bouncer.jdbcUrl(db.databaseName()), db.username(), db.password())) {
            assertThat(bouncer.jdbcUrl(db.databaseName()))
                    .contains(":" + bouncer.port() + "/")
                    .contains("prepareThreshold=0");
            assertThat(backend(first)).isEqualTo(backend(second));
            try (Statement s = first.createStatement()) {
                s.execute("SET app.marker = 'left by the first client'");
            }
            try (Statement s = second.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('app.marker', true)")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("transaction pooling: session state is shared")
                        .isEqualTo("left by the first client");
            }
        }
    }

    @Test
    void theEventBusUriCarriesTheTestsKeyPrefix(RedisServer redis) {
        URI uri = URI.create(redis.eventBusUri());
        assertThat(uri.getScheme()).isEqualTo("redis");
        String query = URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8);
        assertThat(query).isEqualTo("streamKeyPrefix=" + redis.keyPrefix() + "events:");
    }

    private static int backend(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long countOnReplica(PostgresCluster db) throws SQLException {
        try (Connection c = db.openReplica(0);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
