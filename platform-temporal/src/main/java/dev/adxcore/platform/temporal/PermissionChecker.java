package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.PlatformContext;

/**
 * Decides whether the caller described by a {@link PlatformContext} may run a standard-template workflow's
 * operation. The template's permission step asks every configured checker, inside a local activity on the worker,
 * before the business step runs.
 *
 * <p>The context is the one the workflow was started with, whole: tenant, user, the roles the gateway vouched for
 * ({@code X-Roles}), correlation id and trace. A checker that allows only approvers therefore needs no lookup of
 * its own:
 * <pre>{@code
 * PermissionChecker approvers = (ctx, operation) ->
 *         !operation.equals("payment.approve") || ctx.hasRole("approver");
 * }</pre>
 * The template calls checkers only for a context with a tenant; a workflow without a context, or whose context has
 * no tenant, is denied before any checker is asked.
 *
 * <p>Configure checkers explicitly with {@link TemporalWorkerRunner.Builder#permissionChecker} or
 * {@link TemporalPlatform#registerTemplateActivities}; when none is given explicitly, implementations listed under
 * {@code META-INF/services/dev.adxcore.platform.temporal.PermissionChecker} (for example generated with
 * {@code @AutoService(PermissionChecker.class)}) are loaded with {@link java.util.ServiceLoader}. With several
 * checkers, every one must permit. With none, every operation is denied: the template fails closed.
 *
 * <p>Implementations must be thread-safe (activities run concurrently). The context is also bound while the checker
 * runs ({@link PlatformContext#current()}, the MDC), so a checker that reads the database with the bound tenant
 * needs no extra code. A checker that throws is retried like any activity (a transient outage of the authorization
 * service); when the retries are exhausted the operation is denied. Each template run costs one call per checker,
 * on a worker thread, so a checker that does I/O adds that round trip to every run.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PermissionChecker {

    /**
     * Whether {@code context} may run {@code operation}.
     *
     * @param context the context the workflow was started with; it always has a tenant
     * @param operation the operation the workflow performs, as passed to {@link StandardWorkflow#run}, e.g.
     *     {@code "invoice.issue"}
     * @return {@code true} to permit, {@code false} to deny
     * @throws Exception when the decision cannot be made now (the check is retried)
     * @since 0.1.0
     */
    boolean isPermitted(PlatformContext context, String operation) throws Exception;
}
