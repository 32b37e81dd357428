package dev.adxcore.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxRelayConfigTest {

    @Test
    void settingsAreReadWithThePlatformDurationGrammar() {
        OutboxRelayConfig c = OutboxRelayConfig.fromSettings(Settings.of(Map.of(
                        "PLATFORM_OUTBOX_NAME",
                        "billing",
                        "PLATFORM_OUTBOX_BATCH_SIZE",
                        "100",
                        "PLATFORM_OUTBOX_POLL_INTERVAL",
                        "250ms",
                        "PLATFORM_OUTBOX_PUBLISHED_RETENTION",
                        "0s",
                        "PLATFORM_OUTBOX_LISTEN",
                        "false",
                        "PLATFORM_OUTBOX_MAX_PENDING_AGE",
                        "2m")))
                .build();
        assertThat(c.name()).isEqualTo("billing");
        assertThat(c.batchSize()).isEqualTo(100);
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.publishedRetention()).isZero();
        assertThat(c.isListen()).isFalse();
        assertThat(c.maxPendingAge()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    }

    @Test
    void invalidValuesAreRefusedWithExactMessages() {
        assertThatThrownBy(() -> OutboxRelayConfig.builder().batchSize(0).build())
                .hasMessage("batchSize must be between 1 and 10000 (was 0)");
        assertThatThrownBy(() -> OutboxRelayConfig.builder()
                        .minBackoff(Duration.ofSeconds(2))
                        .maxBackoff(Duration.ofSeconds(1))
                        .build())
                .hasMessage("maxBackoff must be >= minBackoff (was 1s < 2s)");
        assertThatThrownBy(() -> OutboxRelayConfig.builder()
                        .pollInterval(Duration.ofMillis(1))
                        .build())
                .hasMessage("pollInterval must be >= 10ms (was 1ms)");
        assertThatThrownBy(() -> OutboxRelayConfig.builder().name("Bad Name").build())
                .hasMessage("name must match [a-z0-9._-]+ (was 'Bad Name')");
        assertThatThrownBy(
                        () -> OutboxRelayConfig.fromSettings(Settings.of(Map.of("PLATFORM_OUTBOX_BATCH_SIZE", "many"))))
                .hasMessageContaining("PLATFORM_OUTBOX_BATCH_SIZE");
    }
}
