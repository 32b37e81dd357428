/**
 * Health checks: the {@link dev.adxcore.platform.observability.health.HealthCheck} SPI, its
 * {@link dev.adxcore.platform.observability.health.HealthResult} and the registry that runs checks in
 * parallel with timeouts and aggregates them into liveness and readiness.
 */
@NullMarked
package dev.adxcore.platform.observability.health;

import org.jspecify.annotations.NullMarked;
