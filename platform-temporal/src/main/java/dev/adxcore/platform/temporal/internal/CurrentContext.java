package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.observability.logging.LogContext;
import dev.adxcore.platform.temporal.WorkflowContext;
import io.temporal.workflow.WorkflowThreadLocal;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Where the current {@link WorkflowContext} lives: a {@link WorkflowThreadLocal} on workflow threads (it
 * dies with the workflow thread, and never leaks into another workflow that reuses the pooled thread) and
 * a plain {@link ThreadLocal} elsewhere (activity and client threads), which
 * {@link PlatformWorkerInterceptor} clears after every activity task. Setting a context also writes the
 * {@link LogContext} MDC keys; clearing removes them.
 */
public final class CurrentContext {

    private static final ThreadLocal<@Nullable WorkflowContext> THREAD = new ThreadLocal<>();
    private static final WorkflowThreadLocal<@Nullable WorkflowContext> WORKFLOW = new WorkflowThreadLocal<>();

    private CurrentContext() {
    }

    /**
     * @return the context of this thread, or {@code null}
     */
    public static @Nullable WorkflowContext get() {
        return WorkflowUnsafe.isWorkflowThread() ? WORKFLOW.get() : THREAD.get();
    }

    /**
     * Makes {@code context} current on this thread (or clears it when {@code null}) and mirrors it into
     * the MDC.
     *
     * @param context the context, or {@code null} to clear
     */
    public static void set(@Nullable WorkflowContext context) {
        if (WorkflowUnsafe.isWorkflowThread()) {
            WORKFLOW.set(context);
        } else if (context == null) {
            THREAD.remove();
        } else {
            THREAD.set(context);
        }
        writeMdc(context);
    }

    /** Removes the context and its MDC keys from this thread. */
    public static void clear() {
        set(null);
    }

    /**
     * Binds {@code context} until the returned scope closes, then restores the previous one.
     *
     * @param context the context to bind
     * @return the scope
     */
    public static WorkflowContext.Scope bind(WorkflowContext context) {
        WorkflowContext previous = get();
        String[] previousMdc = {MDC.get(LogContext.TENANT_ID), MDC.get(LogContext.USER_ID),
            MDC.get(LogContext.CORRELATION_ID), MDC.get(LogContext.TRACE_ID)};
        set(context);
        return new WorkflowContext.Scope() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                set(previous);
                restore(LogContext.TENANT_ID, previousMdc[0]);
                restore(LogContext.USER_ID, previousMdc[1]);
                restore(LogContext.CORRELATION_ID, previousMdc[2]);
                restore(LogContext.TRACE_ID, previousMdc[3]);
            }
        };
    }

    private static void restore(String key, @Nullable String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private static void writeMdc(@Nullable WorkflowContext context) {
        if (context == null) {
            MDC.remove(LogContext.TENANT_ID);
            MDC.remove(LogContext.USER_ID);
            MDC.remove(LogContext.CORRELATION_ID);
            MDC.remove(LogContext.TRACE_ID);
            return;
        }
        MDC.put(LogContext.TENANT_ID, context.tenantId());
        restore(LogContext.USER_ID, context.userId().orElse(null));
        MDC.put(LogContext.CORRELATION_ID, context.correlationId());
        MDC.put(LogContext.TRACE_ID, context.traceId());
    }
}
