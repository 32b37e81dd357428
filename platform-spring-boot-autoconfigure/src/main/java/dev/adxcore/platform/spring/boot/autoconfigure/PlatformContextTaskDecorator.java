package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.core.PlatformContext;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs each task in the {@link PlatformContext} of the thread that submitted it ({@link PlatformContext#wrap}):
 * Spring Boot applies it to its {@code @Async} executor and its task scheduler. An application with a
 * {@link TaskDecorator} of its own should chain this one into it, since Boot applies only one. Stateless and
 * thread-safe; the cost is one capture per submitted task.
 *
 * @since 0.1.0
 */
public final class PlatformContextTaskDecorator implements TaskDecorator {

    /** A decorator. */
    public PlatformContextTaskDecorator() {}

    @Override
    public Runnable decorate(Runnable runnable) {
        return PlatformContext.wrap(runnable);
    }
}
