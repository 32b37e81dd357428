package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.events.redis.internal.RedisEventBusProvider;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisEventBusConfigTest {

    @Test
    void everyBusSettingIsReadFromTheUriQuery() {
        RedisEventBusConfig config = RedisEventBusConfig.fromUri(URI.create("redis://cache.internal:6380/2"
                + "?streamKeyPrefix=orders:events:&maxStreamLength=5000&blockTime=250ms&batchSize=50"
                + "&consumerName=orders-7f9c&minIdleBeforeReclaim=PT90S&maxDeliveries=4&handlerConcurrency=8"));

        assertThat(config.streamKeyPrefix()).isEqualTo("orders:events:");
        assertThat(config.streamKey()).isEqualTo("orders:events:stream");
        assertThat(config.deadLetterKey("mailer")).isEqualTo("orders:events:dead-letters:mailer");
        assertThat(config.maxStreamLength()).isEqualTo(5000);
        assertThat(config.blockTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.batchSize()).isEqualTo(50);
        assertThat(config.consumerName()).contains("orders-7f9c");
        assertThat(config.minIdleBeforeReclaim()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxDeliveries()).isEqualTo(4);
        assertThat(config.handlerConcurrency()).isEqualTo(8);
        assertThat(config.redisUri()).isEqualTo(URI.create("redis://cache.internal:6380/2"));
    }

    @Test
    void connectionParametersPassThroughToTheRedisUri() {
        RedisEventBusConfig config = RedisEventBusConfig.fromUri(
                URI.create("rediss://cache:6379?timeout=3s&batchSize=10&clientName=orders"));

        assertThat(config.redisUri()).isEqualTo(URI.create("rediss://cache:6379?timeout=3s&clientName=orders"));
        assertThat(config.batchSize()).isEqualTo(10);
    }

    @Test
    void defaultsApplyWhenTheUriHasNoParameters() {
        RedisEventBusConfig config = RedisEventBusConfig.fromUri(URI.create("redis://localhost"));

        assertThat(config.streamKey()).isEqualTo("platform:events:stream");
        assertThat(config.maxStreamLength()).isEqualTo(1_000_000);
        assertThat(config.blockTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.batchSize()).isEqualTo(100);
        assertThat(config.consumerName()).isEmpty();
        assertThat(config.minIdleBeforeReclaim()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxDeliveries()).isEqualTo(10);
        assertThat(config.handlerConcurrency()).isEqualTo(1);
    }

    @Test
    void badNumberNamesTheParameterAndTheValue() {
        assertThatThrownBy(() -> RedisEventBusConfig.fromUri(URI.create("redis://localhost?batchSize=lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redis URI parameter batchSize must be an integer (was 'lots')");
    }

    @Test
    void outOfRangeValueNamesTheParameterAndTheRange() {
        assertThatThrownBy(() -> RedisEventBusConfig.fromUri(URI.create("redis://localhost?maxDeliveries=0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redis URI parameter maxDeliveries must be between 1 and 1000 (was 0)");
    }

    @Test
    void badDurationShowsTheAcceptedForms() {
        assertThatThrownBy(() -> RedisEventBusConfig.fromUri(URI.create("redis://localhost?blockTime=soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "redis URI parameter blockTime must be a duration such as 250ms, 2s, 5m or PT2S (was 'soon')");
    }

    @Test
    void unknownParameterIsRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> RedisEventBusConfig.fromUri(URI.create("redis://localhost?maxlen=5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown redis URI parameter 'maxlen' (bus parameters: streamKeyPrefix,");
    }

    @Test
    void nonRedisSchemeIsRejected() {
        assertThatThrownBy(() -> RedisEventBusConfig.builder(URI.create("http://localhost:6379")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redis URI must start with redis:// or rediss:// (was 'http://localhost:6379')");
    }

    @Test
    void toStringMasksThePassword() {
        RedisEventBusConfig config = RedisEventBusConfig.fromUri(URI.create("redis://app:s3cret@cache:6379/0"));

        assertThat(config.toString()).contains("redis://***@cache:6379/0").doesNotContain("s3cret");
    }

    @Test
    void errorMessagesMaskThePassword() {
        assertThatThrownBy(() -> RedisEventBusConfig.builder(URI.create("redis://app:s3cret@/0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void providerSupportsRedisAndRedissSchemesOnly() {
        RedisEventBusProvider provider = new RedisEventBusProvider();

        assertThat(provider.supports(URI.create("redis://localhost"))).isTrue();
        assertThat(provider.supports(URI.create("REDISS://localhost"))).isTrue();
        assertThat(provider.supports(URI.create("memory:local"))).isFalse();
    }
}
