package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.core.PlatformContext;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.context.ContextPropagator;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Carries the whole {@link PlatformContext} in Temporal headers ({@link ContextHeaderCodec}).
 *
 * <ul>
 *   <li><b>Out</b> ({@link #getCurrentContext} then {@link #serializeContext}): on a client or activity thread, the
 *       context bound there; on a workflow thread, the workflow's context with the causation id set to the workflow
 *       ({@link WorkflowContexts#causedByThisWorkflow}), so activities, child workflows and signals it sends are
 *       caused by it.</li>
 *   <li><b>In</b> ({@link #deserializeContext} then {@link #setCurrentContext}): this never binds anything, because
 *       the SDK never calls back when the task ends (sdk-java#2314), so a thread-local set here would survive into
 *       the next task of the pooled thread. On a workflow thread the headers are kept in a workflow-thread local
 *       ({@link WorkflowContexts}); elsewhere they are ignored, and {@link PlatformWorkerInterceptor} reads the
 *       activity's own headers. Either way the interceptor binds the context in a scope around the code.</li>
 * </ul>
 * Headers are decoded lazily, so an activity's are decoded once. Stateless and thread-safe; one instance serves
 * every client and worker. Writing costs one small payload per context value per call.
 */
public final class PlatformContextPropagator implements ContextPropagator {

    /** The propagator's name, also the key under which the SDK keeps its context. */
    public static final String NAME = "adx-platform-context";

    /** The shared instance. */
    public static final PlatformContextPropagator INSTANCE = new PlatformContextPropagator();

    private PlatformContextPropagator() {}

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Map<String, Payload> serializeContext(@Nullable Object context) {
        PlatformContext c = context instanceof WorkflowContexts.Carried carried
                ? carried.decode()
                : context instanceof PlatformContext p ? p : null;
        if (c == null) {
            return Map.of();
        }
        if (WorkflowUnsafe.isWorkflowThread()) {
            c = WorkflowContexts.causedByThisWorkflow(c);
        }
        return ContextHeaderCodec.write(c);
    }

    @Override
    public @Nullable Object deserializeContext(Map<String, Payload> header) {
        return ContextHeaderCodec.carriesContext(header) ? new WorkflowContexts.Carried(header) : null;
    }

    @Override
    public @Nullable Object getCurrentContext() {
        if (WorkflowUnsafe.isWorkflowThread()) {
            return WorkflowContexts.propagated();
        }
        return PlatformContext.current().orElse(null);
    }

    @Override
    public void setCurrentContext(@Nullable Object context) {
        if (WorkflowUnsafe.isWorkflowThread()) {
            WorkflowContexts.carry(context);
        }
    }
}
