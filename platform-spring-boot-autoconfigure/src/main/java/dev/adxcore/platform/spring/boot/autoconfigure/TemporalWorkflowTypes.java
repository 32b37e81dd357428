package dev.adxcore.platform.spring.boot.autoconfigure;

import java.util.List;

/**
 * Workflow implementation classes for the auto-configured Temporal worker. Temporal creates a workflow object per
 * execution, so workflows are declared as classes, not beans; activities are beans (any bean that implements an
 * {@code @ActivityInterface} is registered). Declare one or more of these as beans, or list the classes in
 * {@code platform.temporal.worker.workflow-types}. Immutable.
 *
 * <pre>{@code
 * @Bean TemporalWorkflowTypes workflows() { return TemporalWorkflowTypes.of(OnboardingWorkflowImpl.class); }
 * }</pre>
 *
 * @param types the workflow implementation classes; copied
 * @since 0.1.0
 */
public record TemporalWorkflowTypes(List<Class<?>> types) {

    /**
     * Copies the list.
     *
     * @param types the workflow implementation classes
     */
    public TemporalWorkflowTypes {
        types = List.copyOf(types);
    }

    /**
     * The given workflow implementation classes.
     *
     * @param types the classes
     * @return the declaration
     * @since 0.1.0
     */
    public static TemporalWorkflowTypes of(Class<?>... types) {
        return new TemporalWorkflowTypes(List.of(types));
    }
}
