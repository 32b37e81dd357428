package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.adxcore.platform.core.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TemporalConfigTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("platform.temporal.task.queue");
        System.clearProperty("platform.temporal.shutdown.timeout");
    }

    private static TemporalConfig.Builder from(Map<String, String> values) {
        return TemporalConfig.fromEnvironment(Settings.of(values));
    }

    @Test
    void defaultsUseTheEmbeddedDevServer() {
        TemporalConfig config = TemporalConfig.builder().build();

        assertThat(config.target()).isEmpty();
        assertThat(config.namespace()).isEqualTo("default");
        assertThat(config.taskQueue()).isEqualTo("platform");
        assertThat(config.embeddedPort()).isEqualTo(7233);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rpcTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fromEnvironmentReadsEveryPlatformTemporalSetting() {
        TemporalConfig config = from(Map.of(
                        "PLATFORM_TEMPORAL_TARGET", "temporal.internal:7233",
                        "PLATFORM_TEMPORAL_NAMESPACE", "billing",
                        "PLATFORM_TEMPORAL_TASK_QUEUE", "invoices",
                        "PLATFORM_TEMPORAL_IDENTITY", "billing-1",
                        "PLATFORM_TEMPORAL_TLS_CERT_PATH", "/etc/tls/client.pem",
                        "PLATFORM_TEMPORAL_TLS_KEY_PATH", "/etc/tls/client.key",
                        "PLATFORM_TEMPORAL_EMBEDDED_PORT", "0",
                        "PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT", "45s",
                        "PLATFORM_TEMPORAL_RPC_TIMEOUT", "2500ms"))
                .build();

        assertThat(config.target()).contains("temporal.internal:7233");
        assertThat(config.namespace()).isEqualTo("billing");
        assertThat(config.taskQueue()).isEqualTo("invoices");
        assertThat(config.identity()).contains("billing-1");
        assertThat(config.tlsCertPath()).contains(Path.of("/etc/tls/client.pem"));
        assertThat(config.tlsKeyPath()).contains(Path.of("/etc/tls/client.key"));
        assertThat(config.embeddedPort()).isZero();
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.rpcTimeout()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void anRpcTimeoutBelow100MillisecondsIsRefusedNamingTheSetting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemporalConfig.builder()
                        .rpcTimeout(Duration.ofMillis(50))
                        .build())
                .withMessage("rpcTimeout (PLATFORM_TEMPORAL_RPC_TIMEOUT) must be >= 100ms (was 50ms)");
    }

    @Test
    void fromEnvironmentReturnsABuilderSoCodeCanOverrideBeforeValidation() {
        TemporalConfig config = from(Map.of("PLATFORM_TEMPORAL_NAMESPACE", "billing", "PLATFORM_DATABASE_URL", "x"))
                .taskQueue("from-code")
                .build();

        assertThat(config.namespace()).isEqualTo("billing");
        assertThat(config.taskQueue()).isEqualTo("from-code");
    }

    @Test
    void theProcessEnvironmentIsReadThroughSettingsSoASystemPropertyWins() {
        System.setProperty("platform.temporal.task.queue", "from-property");
        System.setProperty("platform.temporal.shutdown.timeout", "PT1M");

        TemporalConfig config = TemporalConfig.fromEnvironment().build();

        assertThat(config.taskQueue()).isEqualTo("from-property");
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aBareNumberOfSecondsIsRefusedWithTheSettingsMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> from(Map.of("PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT", "30")))
                .withMessage("PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT must be a duration with a unit, such as 500ms, 30s, "
                        + "5m, 1h or PT30S (was '30': a bare number is ambiguous, write 30s or 30ms)");
    }

    @Test
    void aMisspeltPlatformTemporalSettingIsRefusedListingTheKnownOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> from(Map.of("PLATFORM_TEMPORAL_TASKQUEUE", "invoices")))
                .withMessage("unknown setting PLATFORM_TEMPORAL_TASKQUEUE (known: PLATFORM_TEMPORAL_TARGET, "
                        + "PLATFORM_TEMPORAL_NAMESPACE, PLATFORM_TEMPORAL_TASK_QUEUE, PLATFORM_TEMPORAL_IDENTITY, "
                        + "PLATFORM_TEMPORAL_TLS_CERT_PATH, PLATFORM_TEMPORAL_TLS_KEY_PATH, "
                        + "PLATFORM_TEMPORAL_EMBEDDED_PORT, PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT, "
                        + "PLATFORM_TEMPORAL_RPC_TIMEOUT)");
    }

    @Test
    void malformedPortNamesTheSetting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> from(Map.of("PLATFORM_TEMPORAL_EMBEDDED_PORT", "seven")))
                .withMessage("PLATFORM_TEMPORAL_EMBEDDED_PORT must be a whole number (was 'seven')");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> from(Map.of("PLATFORM_TEMPORAL_EMBEDDED_PORT", "70000")))
                .withMessage("PLATFORM_TEMPORAL_EMBEDDED_PORT must be a port from 0 to 65535, 0 for any free port "
                        + "(was 70000)");
    }

    @Test
    void targetWithoutPortIsRejectedWithTheFix() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemporalConfig.builder().target("temporal").build())
                .withMessage("target (PLATFORM_TEMPORAL_TARGET) must be host:port, e.g. temporal.internal:7233 (was "
                        + "'temporal'); leave it unset to start the embedded dev server");
    }

    @Test
    void targetWithCredentialsIsRejectedWithTheCredentialsMasked() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> from(Map.of("PLATFORM_TEMPORAL_TARGET", "app:s3cret@temporal:7233"))
                        .build())
                .withMessageContaining("(was '****@temporal:7233')")
                .withMessageNotContaining("s3cret");
    }

    @Test
    void bracketedIpv6TargetIsAccepted() {
        assertThat(TemporalConfig.builder().target("[::1]:7233").build().target())
                .contains("[::1]:7233");
    }

    @Test
    void certificateWithoutKeyIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemporalConfig.builder()
                        .target("t:7233")
                        .tlsCertPath(Path.of("/c.pem"))
                        .build())
                .withMessage("tlsCertPath and tlsKeyPath must be set together (was tlsCertPath=/c.pem, "
                        + "tlsKeyPath=<unset>)");
    }

    @Test
    void blankTaskQueueIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TemporalConfig.builder().taskQueue(" ").build())
                .withMessage("taskQueue must not be blank (was ' ')");
    }

    @Test
    void toStringShowsTheShutdownTimeoutInTheSettingsGrammar() {
        assertThat(TemporalConfig.builder()
                        .shutdownTimeout(Duration.ofMillis(1500))
                        .build()
                        .toString())
                .contains("shutdownTimeout=1500ms");
    }
}
