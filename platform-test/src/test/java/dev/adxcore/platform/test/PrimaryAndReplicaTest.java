package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@PlatformTest
class PrimaryAndReplicaTest {

    @BeforeAll
    static void createTable(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
        }
        db.awaitReplication();
    }

    @Test
    void rowWrittenOnPrimaryBecomesVisibleOnReplica(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO notes VALUES (1, 'written on the primary')");
        }

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> bodyOnReplica(db, 1), body -> "written on the primary".equals(body));
    }

    @Test
    void awaitReplicationMakesCommittedRowsVisibleOnTheReplica(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO notes VALUES (2, 'awaited')");
        }

        db.awaitReplication();

        assertThat(bodyOnReplica(db, 2)).isEqualTo("awaited");
    }

    @Test
    void writeOnReplicaFailsWithSqlState25006(PostgresCluster db) throws SQLException {
        try (Connection c = db.openReplica(0);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO notes VALUES (3, 'on the replica')"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25006");
        }
    }

    @Test
    void replicaIsAHotStandbyInRecovery(PostgresCluster db) throws SQLException {
        assertThat(inRecovery(db.openReplica(0))).isTrue();
        assertThat(inRecovery(db.openPrimary())).isFalse();
    }

    @Test
    void serversRunTheSelectedMajorVersion(PostgresCluster db) throws SQLException {
        int expected = TestServerSettings.fromEnvironment().postgresVersion();

        for (Connection connection : new Connection[] {db.openPrimary(), db.openReplica(0)}) {
            try (Connection c = connection;
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
                rs.next();
                assertThat(rs.getInt(1) / 10000).isEqualTo(expected);
            }
        }
    }

    @Test
    void urlsWorkWithPlainDriverManager(PostgresCluster db) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(db.replicaJdbcUrl(0));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(db.databaseName());
        }
    }

    private static boolean inRecovery(Connection connection) throws SQLException {
        try (Connection c = connection;
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String bodyOnReplica(PostgresCluster db, int id) throws SQLException {
        try (Connection c = db.openReplica(0);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT body FROM notes WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
