package dev.adxcore.platform.spring.boot.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.context.*}: the request context ({@code PlatformContext}) read from the gateway's headers for
 * every Spring MVC request and carried into {@code @Async} and scheduled tasks.
 *
 * <p>A mutable bean that Spring binds once at start-up; not thread-safe, so read it only while the context
 * starts. Cheap: binding it connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.context")
public class PlatformContextProperties {

    /** Whether to bind the context for servlet requests. */
    private boolean enabled = true;
    /** Answer every request with its X-Correlation-Id. */
    private boolean echoCorrelationId = true;
    /** Whether @Async and scheduled tasks run in the context of the code that submitted them. */
    private boolean propagateToTasks = true;

    /** Creates the properties with the defaults. */
    public PlatformContextProperties() {}

    /** @return whether the filter binds the context */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the filter binds the context */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return whether responses carry X-Correlation-Id */
    public boolean isEchoCorrelationId() {
        return echoCorrelationId;
    }

    /** @param echoCorrelationId whether responses carry X-Correlation-Id */
    public void setEchoCorrelationId(boolean echoCorrelationId) {
        this.echoCorrelationId = echoCorrelationId;
    }

    /** @return whether tasks get the submitter's context */
    public boolean isPropagateToTasks() {
        return propagateToTasks;
    }

    /** @param propagateToTasks whether tasks get the submitter's context */
    public void setPropagateToTasks(boolean propagateToTasks) {
        this.propagateToTasks = propagateToTasks;
    }
}
