package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

@PlatformTest(replicas = 2)
class TwoReplicasTest {

    @Test
    void everyReplicaServesRowsWrittenOnPrimary(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            s.execute("INSERT INTO orders VALUES (7)");
        }

        db.awaitReplication();

        for (int replica = 0; replica < 2; replica++) {
            try (Connection c = db.openReplica(replica);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE id = 7")) {
                rs.next();
                assertThat(rs.getInt(1)).as("rows on replica %d", replica).isEqualTo(1);
            }
        }
    }

    @Test
    void theTwoReplicasAreSeparateServers(PostgresCluster db) throws SQLException {
        Set<String> servers = new HashSet<>();
        for (int replica = 0; replica < 2; replica++) {
            try (Connection c = db.openReplica(replica);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(2))
                        .as("replica %d in recovery", replica)
                        .isTrue();
                servers.add(rs.getString(1));
            }
        }
        assertThat(servers).hasSize(2);
        assertThat(db.replicaJdbcUrls()).hasSize(2);
    }
}
