package dev.adxcore.platform.observability.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A Prometheus registry that owns its JVM binders and releases them on close. Thread-safe, like every Micrometer
 * registry; an expensive resource (every meter of the process, and a GC notification listener): one per process.
 */
public final class PlatformPrometheusMeterRegistry extends PrometheusMeterRegistry {

    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private PlatformPrometheusMeterRegistry() {
        super(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    }

    /**
     * @param service the service tag
     * @param instance the instance tag
     * @return a registry with common tags and binders
     */
    public static PlatformPrometheusMeterRegistry create(String service, String instance) {
        PlatformPrometheusMeterRegistry registry = new PlatformPrometheusMeterRegistry();
        registry.config().commonTags("service", service, "instance", instance);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        registry.gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        super.close();
    }
}
