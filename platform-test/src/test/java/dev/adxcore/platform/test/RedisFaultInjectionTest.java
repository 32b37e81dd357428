package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Crash, freeze and network faults of the kit's own Redis, durable on request. */
@PlatformTest(isolatedServers = true, durableRedis = true)
class RedisFaultInjectionTest {
    private static final long STILL_WAITING_MILLIS = 500;

    @Test
    void durableRedisKeepsAnAcknowledgedXaddAcrossACrash(RedisServer redis) {
        assertThat(redis.isDurable()).isTrue();
        String stream = redis.key("orders");
        String id = withClient(redis.uri(), c -> c.sync().xadd(stream, Map.of("order", "42")));

        redis.crash();
        assertThat(PrivateServersTest.answers(redis.port())).isFalse();
        redis.start();

        java.util.List<io.lettuce.core.StreamMessage<String, String>> kept =
                withClient(redis.uri(), c -> c.sync().xrange(stream, io.lettuce.core.Range.create("-", "+")));
        assertThat(kept).singleElement().satisfies(m -> {
            assertThat(m.getId()).isEqualTo(id);
            assertThat(m.getBody()).containsEntry("order", "42");
        });
    }

    @Test
    void frozenRedisHangsACommandUntilThawed(RedisServer redis) throws Exception {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            redis.freeze();
            RedisFuture<String> ping;
            try {
                ping = c.async().ping();
                Thread.sleep(STILL_WAITING_MILLIS);
                assertThat(ping.isDone()).isFalse();
            } finally {
                redis.thaw();
            }
            assertThat(ping.get(30, TimeUnit.SECONDS)).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void blackholedProxyHangsACommandUntilRestored(RedisServer redis) throws Exception {
        FaultProxy proxy = redis.proxy();
        RedisClient client = RedisClient.create(proxy.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            proxy.blackhole();
            RedisFuture<String> ping;
            try {
                ping = c.async().ping();
                Thread.sleep(STILL_WAITING_MILLIS);
                assertThat(ping.isDone()).isFalse();
            } finally {
                proxy.restore();
            }
            assertThat(ping.get(30, TimeUnit.SECONDS)).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void eventBusUriThroughTheProxyKeepsTheKeyPrefix(RedisServer redis) {
        FaultProxy proxy = redis.proxy();
        assertThat(redis.proxy()).isSameAs(proxy);
        assertThat(redis.eventBusUri(proxy))
                .startsWith("redis://127.0.0.1:" + proxy.port() + "?streamKeyPrefix=")
                .endsWith(redis.eventBusUri().substring(redis.eventBusUri().indexOf("streamKeyPrefix=") + 16));
    }

    @Test
    void latencyDelaysEveryCommand(RedisServer redis) {
        FaultProxy proxy = redis.proxy();
        RedisClient client = RedisClient.create(proxy.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            proxy.latency(Duration.ofMillis(100));
            long started = System.nanoTime();
            c.sync().ping();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            proxy.restore();

            assertThat(tookMillis).isGreaterThanOrEqualTo(200);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void freezingACrashedServerIsRefusedWithAClearMessage(RedisServer redis) {
        redis.crash();
        try {
            assertThatThrownBy(redis::freeze)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not running");
        } finally {
            redis.start();
        }
    }

    private static <T> T withClient(
            String uri, java.util.function.Function<StatefulRedisConnection<String, String>, T> f) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return f.apply(c);
        } finally {
            client.shutdown();
        }
    }
}
