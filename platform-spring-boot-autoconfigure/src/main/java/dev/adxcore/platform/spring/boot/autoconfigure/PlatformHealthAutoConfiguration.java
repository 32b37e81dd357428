package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.HealthContribution;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.PlatformHealthIndicator;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.Props;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The SDK's {@link HealthRegistry} with every auto-configured resource's checks (database primary and replicas,
 * the bus, Temporal), the application's {@link HealthCheck} beans and the ServiceLoader-discovered checks; and,
 * with Spring Boot's health module on the classpath, two Actuator contributors over it: {@code platformReadiness}
 * (every dependency) and {@code platformLiveness} (the process's own checks), which the starter puts into
 * Actuator's {@code readiness} and {@code liveness} groups ({@code /actuator/health/readiness},
 * {@code /actuator/health/liveness}, the Kubernetes probes). The registry keeps its own parallelism, per-check
 * timeouts and result cache behind Actuator. Backs off when the application defines its own registry, or with
 * {@code platform.health.enabled=false}.
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The registry it creates runs the checks on its own
 * threads, and a probe costs what the checks cost unless a cached result is still fresh.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {
            PlatformDatabaseAutoConfiguration.class,
            PlatformEventsAutoConfiguration.class,
            PlatformTemporalAutoConfiguration.class,
            PlatformOutboxAutoConfiguration.class
        })
@ConditionalOnBooleanProperty(name = "platform.health.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PlatformHealthProperties.class)
public final class PlatformHealthAutoConfiguration {

    private static final String PREFIX = "platform.health";

    /** Created by Spring. */
    public PlatformHealthAutoConfiguration() {}

    /**
     * The registry. Closed with the context.
     *
     * @param p the bound properties
     * @param contributions the auto-configured resources' checks
     * @param checks the application's own checks
     * @return the registry
     * @throws PlatformConfigurationException when a duration is refused
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public HealthRegistry platformHealthRegistry(
            PlatformHealthProperties p,
            ObjectProvider<HealthContribution> contributions,
            ObjectProvider<HealthCheck> checks) {
        HealthRegistry registry = Props.validated(PREFIX, () -> {
            HealthRegistry.Builder b = HealthRegistry.builder();
            Props.duration(PREFIX + ".timeout", p.getTimeout(), b::defaultTimeout);
            Props.duration(PREFIX + ".cache-ttl", p.getCacheTtl(), b::cacheTtl);
            Props.duration(PREFIX + ".slow-threshold", p.getSlowThreshold(), b::slowThreshold);
            return b.build();
        });
        contributions.orderedStream().forEach(c -> registry.registerAll(c.healthChecks()));
        checks.orderedStream().forEach(registry::register);
        return registry;
    }

    /** The Actuator contributors, with spring-boot-health on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class ActuatorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "platformReadinessHealthIndicator")
        HealthIndicator platformReadinessHealthIndicator(HealthRegistry registry) {
            return new PlatformHealthIndicator(registry::readiness);
        }

        @Bean
        @ConditionalOnMissingBean(name = "platformLivenessHealthIndicator")
        HealthIndicator platformLivenessHealthIndicator(HealthRegistry registry) {
            return new PlatformHealthIndicator(registry::liveness);
        }
    }
}
