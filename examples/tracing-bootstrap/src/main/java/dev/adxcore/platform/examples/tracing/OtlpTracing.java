package dev.adxcore.platform.examples.tracing;

import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the OpenTelemetry SDK as {@code GlobalOpenTelemetry}, exporting spans over OTLP, when the {@code OTEL_*}
 * settings ask for it; does nothing otherwise. Each example's {@code main} calls {@link #installIfConfigured} first,
 * before anything reads {@code GlobalOpenTelemetry}.
 *
 * <p>The settings are the SDK autoconfigure module's own, read by it from the environment and system properties
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code -Dotel.exporter.otlp.endpoint}, and so on). The SDK is installed
 * when {@code OTEL_TRACES_EXPORTER} is set to anything but {@code none}, or when it is not set and
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is; then every other
 * {@code OTEL_*} setting applies as the SDK documents it. Defaults that differ from the SDK's: the service name is
 * the example's, {@code OTEL_EXPORTER_OTLP_PROTOCOL} is {@code http/protobuf} (the OTLP specification's default,
 * port 4318; the SDK's own is {@code grpc}), and {@code OTEL_METRICS_EXPORTER} and {@code OTEL_LOGS_EXPORTER} are
 * {@code none} (the examples' metrics are Micrometer's, on the management port; their logs go to the console).
 *
 * <p>With the OpenTelemetry Java agent attached nothing is installed: the agent owns {@code GlobalOpenTelemetry}
 * and is configured by the same variables.
 *
 * <p>Thread-safe; meant to be called once per JVM. The installed SDK is shut down (its last spans flushed) by the
 * shutdown hook the autoconfigure module registers.
 *
 * @since 0.1.0
 */
public final class OtlpTracing {

    private static final Logger log = LoggerFactory.getLogger(OtlpTracing.class);

    private OtlpTracing() {}

    /**
     * Installs the SDK when the environment or the system properties ask for trace export (see the class comment).
     *
     * @param serviceName the {@code service.name} unless {@code OTEL_SERVICE_NAME} sets another
     * @return whether an SDK was installed
     * @throws IllegalStateException when {@code GlobalOpenTelemetry} was already read or set
     * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException for an invalid {@code OTEL_*} setting
     */
    public static boolean installIfConfigured(String serviceName) {
        return install(serviceName, Map::of).isPresent();
    }

    /**
     * As {@link #installIfConfigured}, with more default properties (tests: an endpoint on a local port), which the
     * environment and system properties override.
     *
     * @param serviceName the default {@code service.name}
     * @param properties autoconfigure properties ({@code otel.exporter.otlp.endpoint}, ...)
     * @return the installed SDK, or empty when none was asked for or the agent is attached
     */
    static Optional<OpenTelemetrySdk> install(String serviceName, Supplier<Map<String, String>> properties) {
        Objects.requireNonNull(serviceName, "serviceName");
        if (PlatformTracing.agentAttached()) {
            log.info("OpenTelemetry Java agent attached: it owns GlobalOpenTelemetry, no SDK installed");
            return Optional.empty();
        }
        Supplier<Map<String, String>> defaults = () -> {
            Map<String, String> all = new HashMap<>();
            all.put("otel.service.name", serviceName);
            all.put("otel.exporter.otlp.protocol", "http/protobuf");
            all.put("otel.metrics.exporter", "none");
            all.put("otel.logs.exporter", "none");
            all.putAll(properties.get());
            return all;
        };
        if (!settingsAskForExport(defaults)) {
            log.debug("No OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_*ENDPOINT set: no OpenTelemetry SDK installed");
            return Optional.empty();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(defaults)
                .setResultAsGlobal()
                .build()
                .getOpenTelemetrySdk();
        log.info("OpenTelemetry SDK installed: spans are exported as the OTEL_* settings say");
        return Optional.of(sdk);
    }

    /**
     * Reads the settings as the SDK does (environment, system properties, then these defaults) by running its
     * autoconfiguration once with the SDK disabled: nothing is exported, nothing becomes global.
     */
    private static boolean settingsAskForExport(Supplier<Map<String, String>> defaults) {
        AtomicBoolean requested = new AtomicBoolean();
        AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(defaults)
                .addPropertiesCustomizer(config -> {
                    requested.set(exportRequested(config));
                    return Map.of("otel.sdk.disabled", "true");
                })
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk()
                .close();
        return requested.get();
    }

    private static boolean exportRequested(ConfigProperties config) {
        String exporter = config.getString("otel.traces.exporter");
        if (exporter != null && !exporter.isBlank()) {
            return !exporter.trim().equals("none");
        }
        return config.getString("otel.exporter.otlp.endpoint") != null
                || config.getString("otel.exporter.otlp.traces.endpoint") != null;
    }
}
