package dev.adxcore.platform.temporal;

/**
 * Decides whether the caller described by a {@link WorkflowContext} may run a standard-template
 * workflow's operation. The template's permission step asks every configured checker, inside a local
 * activity on the worker, before the business step runs.
 *
 * <p>Configure checkers explicitly with {@link TemporalWorkerRunner.Builder#permissionChecker} or
 * {@link TemporalPlatform#registerTemplateActivities}; when none is given explicitly, implementations
 * listed under {@code META-INF/services/dev.adxcore.platform.temporal.PermissionChecker} (for example
 * generated with {@code @AutoService(PermissionChecker.class)}) are loaded with
 * {@link java.util.ServiceLoader}. With several checkers, every one must permit. With none, every
 * operation is denied: the template fails closed.
 *
 * <p>Implementations must be thread-safe (activities run concurrently). A checker that throws is
 * retried like any activity (a transient outage of the authorization service); when the retries are
 * exhausted the operation is denied.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PermissionChecker {

    /**
     * Whether {@code context} may run {@code operation}.
     *
     * @param context the tenant, user, correlation and trace ids of the workflow
     * @param operation the operation the workflow performs, as passed to
     *     {@link StandardWorkflow#run}, e.g. {@code "invoice.issue"}
     * @return {@code true} to permit, {@code false} to deny
     * @throws Exception when the decision cannot be made now (the check is retried)
     * @since 0.1.0
     */
    boolean isPermitted(WorkflowContext context, String operation) throws Exception;
}
