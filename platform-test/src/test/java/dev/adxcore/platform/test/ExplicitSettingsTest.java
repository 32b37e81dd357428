package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@PlatformTest
class ExplicitSettingsTest {
    /** The documented bound for failing when no server can be had. */
    private static final Duration FAIL_FAST = Duration.ofSeconds(2);

    @Test
    void postgresUrlThatDoesNotAnswerFailsFastNamingTheSettingAndTheOptions() throws IOException {
        int closed = closedPort();
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl("jdbc:postgresql://127.0.0.1:" + closed + "/postgres?user=postgres&password=secret")
                .build();

        Throwable failure = assertTimeoutPreemptively(
                FAIL_FAST, () -> catchFailure(() -> TestServers.privatePostgres(settings, 0)));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("PLATFORM_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:" + closed)
                .hasMessageContaining("does not answer")
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("Testcontainers")
                .hasMessageContaining("private servers started from installed binaries")
                .hasMessageNotContaining("secret");
    }

    @Test
    void redisUrlThatDoesNotAnswerFailsFastNamingTheSettingAndTheOptions() throws IOException {
        int closed = closedPort();
        TestServerSettings settings = TestServerSettings.builder()
                .redisUrl("redis://127.0.0.1:" + closed)
                .build();

        Throwable failure =
                assertTimeoutPreemptively(FAIL_FAST, () -> catchFailure(() -> TestServers.privateRedis(settings)));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("PLATFORM_TEST_REDIS_URL=redis://127.0.0.1:" + closed)
                .hasMessageContaining("does not answer")
                .hasMessageContaining("Testcontainers")
                .hasMessageContaining("private servers started from installed binaries");
    }

    @Test
    void replicaUrlThatIsNotInRecoveryIsRejectedNamingTheSetting(PostgresCluster db) {
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl(db.primaryJdbcUrl())
                .postgresReplicaUrls(List.of(db.primaryJdbcUrl()))
                .build();

        assertThatThrownBy(() -> TestServers.privatePostgres(settings, 1))
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("PLATFORM_TEST_POSTGRES_REPLICA_URL=jdbc:postgresql://")
                .hasMessageContaining("is not in recovery (pg_is_in_recovery() = false)");
    }

    @Test
    void primaryUrlThatIsInRecoveryIsRejectedNamingTheSetting(PostgresCluster db) {
        TestServerSettings settings =
                TestServerSettings.builder().postgresUrl(db.replicaJdbcUrl(0)).build();

        assertThatThrownBy(() -> TestServers.privatePostgres(settings, 0))
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("PLATFORM_TEST_POSTGRES_URL=jdbc:postgresql://")
                .hasMessageContaining("is in recovery (pg_is_in_recovery() = true)");
    }

    @Test
    void askingForMoreReplicasThanConfiguredFailsNamingTheSetting(PostgresCluster db) {
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl(db.primaryJdbcUrl())
                .postgresReplicaUrls(List.of(db.replicaJdbcUrl(0)))
                .build();

        assertThatThrownBy(() -> TestServers.privatePostgres(settings, 2))
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining(
                        "asks for 2 PostgreSQL replica(s) but PLATFORM_TEST_POSTGRES_REPLICA_URL lists 1");
    }

    @Test
    void explicitPrimaryAndReplicaAreUsedAsGiven(PostgresCluster db) throws SQLException {
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl(db.primaryJdbcUrl())
                .postgresReplicaUrls(List.of(db.replicaJdbcUrl(0)))
                .build();

        try (PostgresCluster own = TestServers.privatePostgres(settings, 1)) {
            try (Connection c = own.openPrimary();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int)");
                s.execute("INSERT INTO t VALUES (1)");
            }
            own.awaitReplication();

            assertThat(own.source()).isEqualTo("settings");
            assertThat(own.databaseName()).isNotEqualTo(db.databaseName()).startsWith("t_explicitsettingstest_");
            try (Connection c = own.openReplica(0);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void explicitServerOfAnotherMajorVersionIsRefusedWhenAVersionIsSet(PostgresCluster db) throws SQLException {
        int running;
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            running = rs.getInt(1);
        }
        int other = TestServerSettings.SUPPORTED_POSTGRES_VERSIONS.stream()
                .filter(v -> v != running)
                .findFirst()
                .orElseThrow();
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl(db.primaryJdbcUrl())
                .postgresVersion(other)
                .build();

        assertThatThrownBy(() -> TestServers.privatePostgres(settings, 0))
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("PLATFORM_TEST_POSTGRES_URL gives PostgreSQL " + running + ".")
                .hasMessageContaining("but PLATFORM_TEST_POSTGRES_VERSION=" + other);
    }

    @Test
    void explicitRedisIsUsedAsGiven(RedisServer redis) {
        TestServerSettings settings =
                TestServerSettings.builder().redisUrl(redis.uri()).build();

        try (RedisServer own = TestServers.privateRedis(settings)) {

            assertThat(own.source()).isEqualTo("settings");
            assertThat(own.port()).isEqualTo(redis.port());
            assertThat(own.keyPrefix()).isNotEqualTo(redis.keyPrefix());
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Throwable catchFailure(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
