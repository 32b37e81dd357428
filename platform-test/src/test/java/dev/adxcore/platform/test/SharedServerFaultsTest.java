package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Shared servers cannot be crashed or frozen (other classes use them), but proxies work with any server. */
@PlatformTest
class SharedServerFaultsTest {

    @Test
    void sharedServersRefuseCrashAndFreezeWithAClearMessage(PostgresCluster pg, RedisServer redis) {
        assertThatThrownBy(pg::crashPrimary)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("isolatedServers = true");
        assertThatThrownBy(() -> pg.freezeReplica(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(redis::crash)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("isolatedServers = true");
        assertThatThrownBy(redis::freeze).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void proxiesReachTheSameDatabase(PostgresCluster pg) throws SQLException {
        FaultProxy proxy = pg.primaryProxy();
        assertThat(pg.primaryProxy()).isSameAs(proxy);
        assertThat(proxy.url()).startsWith("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + pg.databaseName());
        assertThat(proxy.urlWithoutCredentials()).doesNotContain("user=");

        try (Connection c = DriverManager.getConnection(proxy.url());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(pg.databaseName());
        }
    }
}
