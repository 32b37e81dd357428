package dev.adxcore.platform.observability.metrics;

import dev.adxcore.platform.observability.internal.PlatformPrometheusMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;

/**
 * Creates the meter registries a platform service uses.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = MeterRegistries.prometheus("billing");
 * // scrape it with ManagementServer (/metrics) or registry.scrape()
 * }</pre>
 *
 * <p>The registry carries the common tags {@code service} and {@code instance} on every meter and has the
 * standard binders: JVM memory, GC, threads, class loading and JVM info, plus process uptime, CPU and file
 * descriptors. Closing the registry also releases the GC binder's notification listeners. A registry is
 * an expensive, long-lived object: create one per service and reuse it.
 *
 * @since 0.1.0
 */
public final class MeterRegistries {

    /** Environment variable naming this instance; falls back to {@code HOSTNAME}, then the host name. */
    public static final String ENV_INSTANCE = "PLATFORM_INSTANCE_ID";

    private MeterRegistries() {}

    /**
     * A Prometheus registry for {@code service}, tagged with this instance's id ({@code PLATFORM_INSTANCE_ID},
     * else {@code HOSTNAME}, else the local host name, else {@code "unknown"}).
     *
     * @param service the service name, such as {@code "billing"}; non-blank
     * @return a new registry with common tags and JVM/process binders
     * @throws IllegalArgumentException when {@code service} is blank
     */
    public static PrometheusMeterRegistry prometheus(String service) {
        return prometheus(service, defaultInstance(System.getenv()));
    }

    /**
     * A Prometheus registry for {@code service} and {@code instance}.
     *
     * @param service the service name; non-blank
     * @param instance this instance's id, such as the pod name; non-blank
     * @return a new registry with common tags and JVM/process binders
     * @throws IllegalArgumentException when {@code service} or {@code instance} is blank
     */
    public static PrometheusMeterRegistry prometheus(String service, String instance) {
        requireText("service", service, "the service name such as \"billing\"");
        requireText("instance", instance, "the instance id such as the pod name");
        return PlatformPrometheusMeterRegistry.create(service, instance);
    }

    static String defaultInstance(Map<String, String> env) {
        String id = env.get(ENV_INSTANCE);
        if (id == null || id.isBlank()) {
            id = env.get("HOSTNAME");
        }
        if (id == null || id.isBlank()) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException | SecurityException e) {
                id = "unknown";
            }
        }
        return id.trim();
    }

    private static void requireText(String setting, String value, String fix) {
        Objects.requireNonNull(value, setting);
        if (value.isBlank()) {
            throw new IllegalArgumentException(setting + " must not be blank (was '" + value + "'); pass " + fix);
        }
    }
}
