package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.observability.health.HealthCheck;
import java.util.List;

/**
 * The health checks of one auto-configured resource (database, bus, Temporal), for the one HealthRegistry.
 * Called once, when the registry is built, so implementations need not be thread-safe and may allocate freely.
 */
@FunctionalInterface
public interface HealthContribution {

    /**
     * The resource's checks.
     *
     * @return the checks to register
     */
    List<HealthCheck> healthChecks();
}
