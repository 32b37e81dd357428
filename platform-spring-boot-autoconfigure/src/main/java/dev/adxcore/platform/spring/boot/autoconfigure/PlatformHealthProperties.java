package dev.adxcore.platform.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.health.*}: the SDK's {@code HealthRegistry}, which runs every check in parallel, each bounded
 * by its timeout, with results cached, and which Actuator serves as the {@code platformReadiness} and
 * {@code platformLiveness} contributors of the readiness and liveness groups.
 *
 * <p>A mutable bean that Spring binds once at start-up; not thread-safe, so read it only while the context
 * starts. Cheap: binding it connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.health")
public class PlatformHealthProperties {

    /** Whether to serve the SDK's checks through Actuator (and add them to the probe groups). */
    private boolean enabled = true;
    /** Timeout of a check that sets none of its own, such as 2s. */
    private @Nullable String timeout;
    /** How long a check's result is reused, such as 1s. */
    private @Nullable String cacheTtl;
    /** A check slower than this is logged once, such as 1s. */
    private @Nullable String slowThreshold;

    /** Creates the properties with the defaults. */
    public PlatformHealthProperties() {}

    /** @return whether the checks are served through Actuator */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the checks are served through Actuator */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the default timeout as written, or null */
    public @Nullable String getTimeout() {
        return timeout;
    }

    /** @param timeout the default timeout */
    public void setTimeout(@Nullable String timeout) {
        this.timeout = timeout;
    }

    /** @return the cache TTL as written, or null */
    public @Nullable String getCacheTtl() {
        return cacheTtl;
    }

    /** @param cacheTtl the cache TTL */
    public void setCacheTtl(@Nullable String cacheTtl) {
        this.cacheTtl = cacheTtl;
    }

    /** @return the slow threshold as written, or null */
    public @Nullable String getSlowThreshold() {
        return slowThreshold;
    }

    /** @param slowThreshold the slow threshold */
    public void setSlowThreshold(@Nullable String slowThreshold) {
        this.slowThreshold = slowThreshold;
    }
}
