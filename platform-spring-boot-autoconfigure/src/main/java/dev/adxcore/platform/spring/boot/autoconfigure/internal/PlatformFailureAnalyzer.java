package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.spring.boot.autoconfigure.PlatformConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused {@code platform.*} property into Spring Boot's "APPLICATION FAILED TO START" report: the
 * description is the SDK's exact message, the action names the properties to fix. Thread-safe (stateless);
 * called at most once, when start-up fails, so its cost does not matter.
 */
public final class PlatformFailureAnalyzer extends AbstractFailureAnalyzer<PlatformConfigurationException> {

    /** Created by Spring Boot. */
    public PlatformFailureAnalyzer() {}

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PlatformConfigurationException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Correct the " + cause.prefix() + ".* properties (application.properties or .yaml, or the "
                        + "environment) as the message says.",
                cause);
    }
}
