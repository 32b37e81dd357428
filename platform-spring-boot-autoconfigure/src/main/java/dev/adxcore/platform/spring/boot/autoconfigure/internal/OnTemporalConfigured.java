package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code platform.temporal.target} is set or {@code platform.temporal.embedded=true}: a service never
 * starts an in-process dev server just because platform-temporal is on its classpath. Thread-safe (stateless);
 * a match costs two property lookups.
 */
public final class OnTemporalConfigured extends SpringBootCondition {

    /** Created by Spring. */
    public OnTemporalConfigured() {}

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String target = env.getProperty("platform.temporal.target");
        if (target != null && !target.isBlank()) {
            return ConditionOutcome.match("platform.temporal.target is set");
        }
        if (Boolean.parseBoolean(
                env.getProperty("platform.temporal.embedded", "false").trim())) {
            return ConditionOutcome.match("platform.temporal.embedded=true");
        }
        return ConditionOutcome.noMatch("neither platform.temporal.target nor platform.temporal.embedded=true is set");
    }
}
