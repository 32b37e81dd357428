package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Tests of failover code need servers that go down and come back on the same ports. */
@PlatformTest(isolatedServers = true)
class ServerControlTest {

    @Test
    void isolatedLocalServersCanBeControlled(PostgresCluster pg, RedisServer redis) {
        assertThat(pg.source()).isIn("local", "maven");
        assertThat(pg.canControlServers()).isTrue();
        assertThat(redis.canControlServer()).isTrue();
    }

    @Test
    void stoppedReplicaRefusesConnectionsAndCatchesUpAfterStart(PostgresCluster pg) throws SQLException {
        execute(pg.openPrimary(), "CREATE TABLE IF NOT EXISTS events (id int PRIMARY KEY)");
        pg.awaitReplication();
        pg.stopReplica(0);

        assertThatThrownBy(() -> pg.openReplica(0).close()).isInstanceOf(SQLException.class);
        execute(pg.openPrimary(), "INSERT INTO events VALUES (1)");

        pg.startReplica(0);
        pg.awaitReplication();
        assertThat(count(pg.openReplica(0), "SELECT count(*) FROM events WHERE id = 1"))
                .isEqualTo(1);
    }

    @Test
    void primaryComesBackOnTheSamePortWithItsData(PostgresCluster pg) throws SQLException {
        String url = pg.primaryJdbcUrl();
        execute(pg.openPrimary(), "CREATE TABLE IF NOT EXISTS kept (id int)");
        execute(pg.openPrimary(), "INSERT INTO kept VALUES (1)");

        pg.stopPrimary();
        assertThatThrownBy(() -> pg.openPrimary().close()).isInstanceOf(SQLException.class);
        pg.startPrimary();

        assertThat(pg.primaryJdbcUrl()).isEqualTo(url);
        assertThat(count(pg.openPrimary(), "SELECT count(*) FROM kept")).isEqualTo(1);
    }

    @Test
    void redisComesBackOnTheSamePort(RedisServer redis) {
        int port = redis.port();
        redis.stop();
        assertThat(PrivateServersTest.answers(port)).isFalse();

        redis.start();

        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
        assertThat(redis.port()).isEqualTo(port);
    }

    @Nested
    class NestedClass {
        @Test
        void sharesTheEnclosingClassServers(PostgresCluster pg) {
            assertThat(pg.canControlServers()).isTrue();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Connection c = connection;
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Connection c = connection;
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
