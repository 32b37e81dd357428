package dev.adxcore.platform.observability.health;

import com.google.auto.service.AutoService;

/** A no-argument check listed for ServiceLoader through {@code @AutoService}, found by the registry. */
@AutoService(HealthCheck.class)
public final class DiscoveredCheck implements HealthCheck {

    /** The name the test looks for. */
    public static final String NAME = "test.discovered";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HealthResult check() {
        return HealthResult.up(java.util.Map.of("source", "ServiceLoader"));
    }
}
