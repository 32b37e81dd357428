package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalConfigTest {

    @Test
    void defaultsUseTheEmbeddedDevServer() {
        TemporalConfig config = TemporalConfig.builder().build();

        assertThat(config.target()).isEmpty();
        assertThat(config.namespace()).isEqualTo("default");
        assertThat(config.taskQueue()).isEqualTo("platform");
        assertThat(config.embeddedPort()).isEqualTo(7233);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fromEnvironmentReadsEveryPlatformTemporalVariable() {
        TemporalConfig config = TemporalConfig.fromEnvironment(Map.of(
                "PLATFORM_TEMPORAL_TARGET", "temporal.internal:7233",
                "PLATFORM_TEMPORAL_NAMESPACE", "billing",
                "PLATFORM_TEMPORAL_TASK_QUEUE", "invoices",
                "PLATFORM_TEMPORAL_IDENTITY", "billing-1",
                "PLATFORM_TEMPORAL_TLS_CERT_PATH", "/etc/tls/client.pem",
                "PLATFORM_TEMPORAL_TLS_KEY_PATH", "/etc/tls/client.key",
                "PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT", "45"));

        assertThat(config.target()).contains("temporal.internal:7233");
        assertThat(config.namespace()).isEqualTo("billing");
        assertThat(config.taskQueue()).isEqualTo("invoices");
        assertThat(config.identity()).contains("billing-1");
        assertThat(config.tlsCertPath()).contains(Path.of("/etc/tls/client.pem"));
        assertThat(config.tlsKeyPath()).contains(Path.of("/etc/tls/client.key"));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void targetWithoutPortIsRejectedWithTheFix() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemporalConfig.builder().target("temporal").build())
                .withMessage("target must be host:port, e.g. temporal.internal:7233 (was 'temporal'); leave it unset "
                        + "to start the embedded dev server");
    }

    @Test
    void certificateWithoutKeyIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemporalConfig.builder().target("t:7233")
                        .tlsCertPath(Path.of("/c.pem")).build())
                .withMessage("tlsCertPath and tlsKeyPath must be set together (was tlsCertPath=/c.pem, "
                        + "tlsKeyPath=<unset>)");
    }

    @Test
    void blankTaskQueueIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemporalConfig.builder().taskQueue(" ").build())
                .withMessage("taskQueue must not be blank (was ' ')");
    }

    @Test
    void malformedEnvironmentPortNamesTheVariable() {
        assertThatIllegalArgumentException().isThrownBy(() -> TemporalConfig.fromEnvironment(
                        Map.of("PLATFORM_TEMPORAL_EMBEDDED_PORT", "seven")))
                .withMessage("PLATFORM_TEMPORAL_EMBEDDED_PORT must be a port number (was 'seven')");
    }
}
