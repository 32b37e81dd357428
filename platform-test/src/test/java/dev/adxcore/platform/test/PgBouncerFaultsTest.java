package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kit's PgBouncer can crash and restart, freeze and thaw, and sit behind a fault proxy. */
@PlatformTest(replicas = 0)
class PgBouncerFaultsTest {

    @BeforeEach
    void needsPgBouncer() {
        Assumptions.assumeTrue(
                PgBouncer.isAvailable(), "pgbouncer is not installed (scripts/ensure-test-servers.sh installs it)");
    }

    @Test
    void crashedPgBouncerBreaksClientsAndRestartsOnTheSamePort(PostgresCluster pg) throws SQLException {
        try (PgBouncer bouncer = PgBouncer.start(pg, List.of())) {
            String url = bouncer.jdbcUrl(pg.databaseName()) + "&user=" + pg.username();
            try (Connection c = DriverManager.getConnection(url)) {
                assertThat(selectOne(c)).isEqualTo(1);
                bouncer.crash();
                assertThatThrownBy(() -> selectOne(c)).isInstanceOf(IllegalStateException.class);
            }
            bouncer.restart();
            try (Connection c = DriverManager.getConnection(url)) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
        }
    }

    @Test
    void frozenPgBouncerHangsAQueryUntilThawed(PostgresCluster pg) throws Exception {
        try (PgBouncer bouncer = PgBouncer.start(pg, List.of());
                Connection c =
                        DriverManager.getConnection(bouncer.jdbcUrl(pg.databaseName()) + "&user=" + pg.username())) {
            bouncer.freeze();
            CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> selectOne(c));
            try {
                Thread.sleep(700);
                assertThat(query).isNotDone();
            } finally {
                bouncer.thaw();
            }
            assertThat(query.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void proxyOfPgBouncerReachesTheDatabase(PostgresCluster pg) throws SQLException {
        try (PgBouncer bouncer = PgBouncer.start(pg, List.of())) {
            FaultProxy proxy = bouncer.proxy();
            try (Connection c =
                    DriverManager.getConnection(bouncer.jdbcUrl(proxy, pg.databaseName()) + "&user=" + pg.username())) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
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
}
