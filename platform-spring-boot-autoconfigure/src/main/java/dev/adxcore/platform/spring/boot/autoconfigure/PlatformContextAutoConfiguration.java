package dev.adxcore.platform.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

/**
 * The request context: a {@link PlatformContextFilter} for servlet web applications
 * ({@code platform.context.enabled}), and a {@link PlatformContextTaskDecorator} that Spring Boot applies to its
 * {@code @Async} executor and task scheduler ({@code platform.context.propagate-to-tasks}). Each backs off when
 * the application defines its own (any {@link TaskDecorator} replaces ours).
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The beans are cheap: no thread, no connection.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        beforeName = {
            "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
            "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration"
        })
@EnableConfigurationProperties(PlatformContextProperties.class)
public final class PlatformContextAutoConfiguration {

    /** Created by Spring. */
    public PlatformContextAutoConfiguration() {}

    /**
     * The task decorator.
     *
     * @return the decorator
     */
    @Bean
    @ConditionalOnMissingBean(TaskDecorator.class)
    @ConditionalOnBooleanProperty(name = "platform.context.propagate-to-tasks", matchIfMissing = true)
    public PlatformContextTaskDecorator platformContextTaskDecorator() {
        return new PlatformContextTaskDecorator();
    }

    /** The servlet filter. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = {"org.springframework.web.filter.OncePerRequestFilter", "jakarta.servlet.Filter"})
    @ConditionalOnBooleanProperty(name = "platform.context.enabled", matchIfMissing = true)
    static class ServletConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PlatformContextFilter platformContextFilter(PlatformContextProperties p) {
            return new PlatformContextFilter(p.isEchoCorrelationId());
        }
    }
}
