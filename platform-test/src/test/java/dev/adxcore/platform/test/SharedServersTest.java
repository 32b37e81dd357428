package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

@PlatformTest(replicas = 0)
class SharedServersTest {

    @Test
    void sharedPostgresCannotBeStoppedByOneClass(PostgresCluster pg) {
        assertThat(pg.canControlServers()).isFalse();
        assertThatThrownBy(pg::stopPrimary)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("@PlatformTest(isolatedServers = true)");
    }

    @Test
    void sharedRedisCannotBeStoppedByOneClass(RedisServer redis) {
        assertThat(redis.canControlServer()).isFalse();
        assertThatThrownBy(redis::stop)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("@PlatformTest(isolatedServers = true)");
    }

    @Test
    void staticAccessGivesEachCallItsOwnDatabase() {
        try (PostgresCluster first = TestServers.postgres(0);
                PostgresCluster second = TestServers.postgres(0)) {
            assertThat(first.databaseName()).isNotEqualTo(second.databaseName()).startsWith("t_sharedserverstest_");
        }
    }
}
