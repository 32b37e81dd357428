package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Crash, freeze and network faults of the kit's own PostgreSQL servers, as failover tests use them. */
@PlatformTest(isolatedServers = true)
class FaultInjectionTest {
    /** Long enough for any real server to answer a trivial query; a frozen one never does. */
    private static final long STILL_WAITING_MILLIS = 700;

    private static final long GENEROUS_SECONDS = 30;

    @Test
    void crashedPrimaryStartsAgainWithItsCommittedRows(PostgresCluster pg) throws SQLException {
        execute(pg.openPrimary(), "CREATE TABLE IF NOT EXISTS crashed (id int)");
        execute(pg.openPrimary(), "INSERT INTO crashed VALUES (1)");

        pg.crashPrimary();
        assertThatThrownBy(() -> pg.openPrimary().close()).isInstanceOf(SQLException.class);
        pg.startPrimary();

        assertThat(count(pg.openPrimary(), "SELECT count(*) FROM crashed")).isEqualTo(1);
    }

    @Test
    void crashIsIdempotentAndStartRunsANewPostmaster(PostgresCluster pg) throws SQLException {
        String before = postmasterStart(pg);
        pg.crashPrimary();
        pg.crashPrimary(); // idempotent

        pg.startPrimary();
        pg.startPrimary(); // running again: nothing to do

        assertThat(postmasterStart(pg)).isNotEqualTo(before);
    }

    @Test
    void crashedReplicaStartsAgainAndCatchesUp(PostgresCluster pg) throws SQLException {
        execute(pg.openPrimary(), "CREATE TABLE IF NOT EXISTS replicated (id int)");
        pg.awaitReplication();
        pg.crashReplica(0);
        assertThatThrownBy(() -> pg.openReplica(0).close()).isInstanceOf(SQLException.class);
        execute(pg.openPrimary(), "INSERT INTO replicated VALUES (7)");

        pg.startReplica(0);
        pg.awaitReplication();

        assertThat(count(pg.openReplica(0), "SELECT count(*) FROM replicated WHERE id = 7"))
                .isEqualTo(1);
    }

    @Test
    void frozenPrimaryHangsAQueryUntilThawed(PostgresCluster pg) throws Exception {
        try (Connection c = pg.openPrimary()) {
            pg.freezePrimary();
            CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> selectOne(c));
            try {
                Thread.sleep(STILL_WAITING_MILLIS);
                assertThat(query).isNotDone();
            } finally {
                pg.thawPrimary();
            }
            assertThat(query.get(GENEROUS_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void frozenReplicaHangsAQueryUntilThawed(PostgresCluster pg) throws Exception {
        try (Connection c = pg.openReplica(0)) {
            pg.freezeReplica(0);
            CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> selectOne(c));
            try {
                Thread.sleep(STILL_WAITING_MILLIS);
                assertThat(query).isNotDone();
            } finally {
                pg.thawReplica(0);
            }
            assertThat(query.get(GENEROUS_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void blackholedProxyHangsQueriesAndConnectsUntilRestored(PostgresCluster pg) throws Exception {
        FaultProxy proxy = pg.primaryProxy();
        try (Connection c = java.sql.DriverManager.getConnection(proxy.url())) {
            assertThat(selectOne(c)).isEqualTo(1);
            proxy.blackhole();
            CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> selectOne(c));
            CompletableFuture<Integer> connect = CompletableFuture.supplyAsync(() -> {
                try (Connection fresh = java.sql.DriverManager.getConnection(proxy.url())) {
                    return selectOne(fresh);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                Thread.sleep(STILL_WAITING_MILLIS);
                assertThat(query).isNotDone();
                assertThat(connect).isNotDone();
            } finally {
                proxy.restore();
            }
            assertThat(query.get(GENEROUS_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(connect.get(GENEROUS_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void latencyDelaysEveryRoundTrip(PostgresCluster pg) throws SQLException {
        FaultProxy proxy = pg.replicaProxy(0);
        try (Connection c = java.sql.DriverManager.getConnection(proxy.url())) {
            proxy.latency(Duration.ofMillis(150));
            long started = System.nanoTime();
            assertThat(selectOne(c)).isEqualTo(1);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            proxy.restore();

            // one round trip: 150 ms each way at least
            assertThat(tookMillis).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void resetConnectionsBreaksOpenConnectionsButNotNewOnes(PostgresCluster pg) throws SQLException {
        FaultProxy proxy = pg.primaryProxy();
        try (Connection c = java.sql.DriverManager.getConnection(proxy.url())) {
            proxy.resetConnections();
            assertThatThrownBy(() -> selectOne(c)).hasRootCauseInstanceOf(java.io.IOException.class);
        }
        try (Connection c = java.sql.DriverManager.getConnection(proxy.url())) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    private static String postmasterStart(PostgresCluster pg) throws SQLException {
        try (Connection c = pg.openPrimary();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int selectOne(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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
