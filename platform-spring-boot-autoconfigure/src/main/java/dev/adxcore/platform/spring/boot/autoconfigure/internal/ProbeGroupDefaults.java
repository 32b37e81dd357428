package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Defaults (lowest precedence, so any setting of the application wins) that put the platform's contributors into
 * Actuator's Kubernetes probe groups: {@code readiness = readinessState + platformReadiness},
 * {@code liveness = livenessState + platformLiveness}, with the probes enabled outside Kubernetes too.
 * Only with spring-boot-health on the classpath and {@code platform.health.enabled} not false. Thread-safe
 * (stateless); runs once per environment and adds at most one property source, so its cost is negligible.
 */
public final class ProbeGroupDefaults implements EnvironmentPostProcessor {

    /** Name of the property source holding the defaults. */
    public static final String SOURCE = "platformProbeGroupDefaults";

    /** Created by Spring Boot. */
    public ProbeGroupDefaults() {}

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!ClassUtils.isPresent(
                        "org.springframework.boot.health.contributor.HealthIndicator",
                        ProbeGroupDefaults.class.getClassLoader())
                || !environment.getProperty("platform.health.enabled", Boolean.class, true)) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        SOURCE,
                        Map.of(
                                "management.endpoint.health.probes.enabled", "true",
                                "management.endpoint.health.group.readiness.include",
                                        "readinessState,platformReadiness",
                                "management.endpoint.health.group.liveness.include",
                                        "livenessState,platformLiveness")));
    }
}
