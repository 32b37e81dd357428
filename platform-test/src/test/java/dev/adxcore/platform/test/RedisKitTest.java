package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@PlatformTest
class RedisKitTest {
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void connect(RedisServer redis) {
        client = RedisClient.create(redis.uri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void redisAnswersThroughLettuce(RedisServer redis) {
        RedisCommands<String, String> commands = connection.sync();

        commands.set(redis.key("greeting"), "hello");

        assertThat(commands.ping()).isEqualTo("PONG");
        assertThat(commands.get(redis.key("greeting"))).isEqualTo("hello");
    }

    @Test
    void keyPrefixNamesTheTestClass(RedisServer redis) {
        assertThat(redis.keyPrefix()).startsWith("t:rediskittest:").endsWith(":");
        assertThat(redis.key("x")).isEqualTo(redis.keyPrefix() + "x");
    }

    @Test
    void closingANamespaceDeletesOnlyItsOwnKeys(RedisServer redis) {
        RedisCommands<String, String> commands = connection.sync();
        RedisServer other = TestServers.redis();
        commands.set(other.key("a"), "1");
        commands.xadd(other.key("stream"), java.util.Map.of("f", "v"));
        commands.set(redis.key("kept"), "2");

        other.close();

        assertThat(commands.exists(other.key("a"), other.key("stream"))).isZero();
        assertThat(commands.get(redis.key("kept"))).isEqualTo("2");
    }
}
