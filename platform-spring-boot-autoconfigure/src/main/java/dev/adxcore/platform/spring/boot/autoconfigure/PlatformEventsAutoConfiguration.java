package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.HealthContribution;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.Props;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@link EventBus} (platform-events on the classpath), opened by {@code platform.events.url} through the
 * {@code EventBusProvider} ServiceLoader SPI, with its meters on the application's {@link MeterRegistry} and its
 * checks in the platform's health registry. Backs off when the application defines its own bus, or with
 * {@code platform.events.enabled=false}.
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The bus it opens is the expensive part (its
 * threads and, for Redis or Kafka, its connections): one per application context, closed with it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(EventBuses.class)
@ConditionalOnBooleanProperty(name = "platform.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PlatformEventsProperties.class)
public final class PlatformEventsAutoConfiguration {

    private static final String PREFIX = "platform.events";

    /** Created by Spring. */
    public PlatformEventsAutoConfiguration() {}

    /**
     * The bus. Closed with the context, waiting for in-flight deliveries up to the close timeout.
     *
     * @param p the bound properties
     * @param meters the application's meter registry, if any
     * @param environment for {@code spring.application.name}
     * @return the bus
     * @throws PlatformConfigurationException when no provider supports the URI (the message names the jar to
     *     add) or an option is refused
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public EventBus eventBus(
            PlatformEventsProperties p, ObjectProvider<MeterRegistry> meters, Environment environment) {
        return Props.validated(PREFIX, () -> {
            EventBusOptions.Builder b = EventBusOptions.builder();
            if (p.getMaxEventBytes() != null) {
                b.maxEventBytes(p.getMaxEventBytes());
            }
            Props.duration(PREFIX + ".publish-timeout", p.getPublishTimeout(), b::publishTimeout);
            Props.duration(PREFIX + ".close-timeout", p.getCloseTimeout(), b::closeTimeout);
            String service = p.getServiceName() != null
                    ? p.getServiceName()
                    : environment.getProperty("spring.application.name");
            if (service != null) {
                b.serviceName(service);
            }
            MeterRegistry registry = meters.getIfAvailable();
            if (registry != null) {
                b.meterRegistry(registry);
            }
            return EventBuses.open(p.getUrl(), b.build());
        });
    }

    /**
     * The bus's checks for the platform's health registry.
     *
     * @param bus the bus
     * @return its checks
     */
    @Bean
    @ConditionalOnBean(EventBus.class)
    public HealthContribution platformEventBusHealthChecks(EventBus bus) {
        return bus::healthChecks;
    }
}
