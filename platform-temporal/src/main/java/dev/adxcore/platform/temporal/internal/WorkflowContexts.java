package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.core.InvalidContextException;
import dev.adxcore.platform.core.PlatformContext;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowThreadLocal;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The context of workflow threads. The SDK hands every workflow thread (root, workflow method, signal, update and
 * {@code Async} threads) its propagated context through {@link PlatformContextPropagator#setCurrentContext} when the
 * thread starts; it is kept here, in a {@link WorkflowThreadLocal} that dies with the workflow thread, as "carried".
 * It becomes {@link PlatformContext#current()} (and the MDC) only inside {@link #binding(Runnable)},
 * {@link #runBound(Runnable)} and {@link #callBoundUnlessBound}, which {@link PlatformWorkerInterceptor} wraps around
 * the code of each workflow thread:
 * a {@link PlatformContext.Scope} that is closed when the code returns, throws, or is destroyed on eviction, so the
 * pooled thread is left exactly as it was.
 *
 * <p>Thread-safe: its state lives in workflow-thread locals, so each workflow thread sees only its own. Cheap: a
 * thread-local read, and a scope (an MDC write) while bound.
 */
public final class WorkflowContexts {

    private static final WorkflowThreadLocal<@Nullable Object> CARRIED = new WorkflowThreadLocal<>();
    private static final WorkflowThreadLocal<@Nullable Boolean> ACTIVE = new WorkflowThreadLocal<>();

    private WorkflowContexts() {}

    /**
     * Keeps what the SDK propagated to this workflow thread. Call on a workflow thread only.
     *
     * @param context a {@link PlatformContext}, a {@link Carried} not yet decoded, or {@code null}
     */
    static void carry(@Nullable Object context) {
        CARRIED.set(context);
    }

    /**
     * @return the context propagated to this workflow thread, decoded; {@code null} when there is none or its headers
     *     were malformed
     */
    public static @Nullable PlatformContext carried() {
        Object value = CARRIED.get();
        if (value instanceof Carried c) {
            PlatformContext decoded = c.decode();
            CARRIED.set(decoded);
            return decoded;
        }
        return value instanceof PlatformContext p ? p : null;
    }

    /**
     * @return whether this workflow thread's code runs inside the platform's binding (false means the worker lacks
     *     {@link PlatformWorkerInterceptor})
     */
    public static boolean isBound() {
        return Boolean.TRUE.equals(ACTIVE.get());
    }

    /**
     * What this workflow thread propagates: inside the binding, what is bound (workflow code may bind another
     * context for a block); outside it (SDK code between the platform's scopes, such as the root thread creating
     * the workflow-method thread), the carried context.
     *
     * @return the context, or {@code null}
     */
    static @Nullable PlatformContext propagated() {
        return isBound() ? PlatformContext.current().orElse(null) : carried();
    }

    /**
     * @param task code that will run on a new workflow thread
     * @return the task running with that thread's carried context bound
     */
    static Runnable binding(Runnable task) {
        return () -> runBound(task);
    }

    /**
     * Runs {@code task} on this workflow thread with its carried context bound (none bound when it carries none).
     *
     * @param task the code
     */
    static void runBound(Runnable task) {
        callBound(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Calls {@code task} on this workflow thread with its carried context bound, unless the platform's binding is
     * already active on this thread (then what is bound stays).
     *
     * @param task the code
     * @param <T> the result type
     * @return the task's result
     */
    static <T> T callBoundUnlessBound(Supplier<T> task) {
        return isBound() ? task.get() : callBound(task);
    }

    private static <T> T callBound(Supplier<T> task) {
        PlatformContext context = carried();
        Boolean wasActive = ACTIVE.get();
        ACTIVE.set(Boolean.TRUE);
        try (PlatformContext.Scope ignored = bind(context)) {
            return task.get();
        } finally {
            ACTIVE.set(wasActive);
        }
    }

    /**
     * @param context a context or {@code null}
     * @return a scope binding it, or binding none (so that nothing the thread had stays visible)
     */
    static PlatformContext.Scope bind(@Nullable PlatformContext context) {
        return context == null ? PlatformContext.bindNone() : context.bind();
    }

    /**
     * The context a workflow gives what it causes (activities, child workflows, signals to other workflows): its own
     * with the causation id replaced by {@link #causationOf this workflow}. Call on a workflow thread.
     *
     * @param context the workflow's context
     * @return the context for the work it causes
     */
    static PlatformContext causedByThisWorkflow(PlatformContext context) {
        WorkflowInfo info = Workflow.getInfo();
        String causation = causationOf(info.getWorkflowId(), info.getRunId());
        if (causation.equals(context.causationId().orElse(null))) {
            return context;
        }
        return context.toBuilder().causationId(causation).build();
    }

    /**
     * The causation id that names a workflow: its id, which is always a valid causation id when it was started by
     * {@code TemplateClient}; for an id that is not (started elsewhere, too long or with other characters), its run
     * id, a UUID.
     *
     * @param workflowId the workflow id
     * @param runId the run id
     * @return a valid causation id
     */
    public static String causationOf(String workflowId, String runId) {
        try {
            PlatformContext.builder().causationId(workflowId);
            return workflowId;
        } catch (InvalidContextException e) {
            return runId;
        }
    }

    /** Headers carrying a context, decoded only when a workflow thread needs it. Confined to one thread. */
    static final class Carried {
        private final Map<String, io.temporal.api.common.v1.Payload> header;

        Carried(Map<String, io.temporal.api.common.v1.Payload> header) {
            this.header = header;
        }

        @Nullable
        PlatformContext decode() {
            return ContextHeaderCodec.read(header);
        }
    }
}
