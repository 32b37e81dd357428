package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.core.PlatformContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import org.jspecify.annotations.Nullable;

/**
 * Binds the {@link PlatformContext} around every piece of workflow and activity code with platform-core's scopes,
 * so that the code sees {@link PlatformContext#current()} and the MDC, and the worker thread is left exactly as it
 * was when the code returns, throws, or (workflow threads) is destroyed on cache eviction.
 *
 * <ul>
 *   <li><b>Activities</b> (local ones included): the context decoded from the activity's own headers, bound around
 *       {@code execute}; none bound (whatever the pooled thread had) when the headers carry none.</li>
 *   <li><b>Workflow threads</b>: the context the SDK propagated to each thread ({@link WorkflowContexts}), bound
 *       around the workflow constructor ({@code init}, root thread), the workflow-method thread, every callback
 *       thread (signal and update handlers, update validators, promise callbacks) and every thread started with
 *       {@code Async} ({@code newChildThread}); and around {@code handleSignal}, {@code validateUpdate} and
 *       {@code executeUpdate} for the callback threads the SDK creates before the interceptors exist (a signal or
 *       update in the first workflow task after a start or an eviction). Callback threads carry the workflow's own
 *       context (from its start headers), never the sender's.</li>
 *   <li><b>Queries</b> run on a worker thread, not a workflow thread: the workflow's context, taken when the
 *       workflow was initialised, is bound around {@code handleQuery}.</li>
 * </ul>
 * Installed once per chain: a second instance directly on top of the first adds nothing. Stateless; thread-safe.
 * Its cost per piece of code is a scope: binding and restoring the context and the MDC.
 */
public final class PlatformWorkerInterceptor extends WorkerInterceptorBase {

    /** The shared instance. */
    public static final PlatformWorkerInterceptor INSTANCE = new PlatformWorkerInterceptor();

    private PlatformWorkerInterceptor() {}

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
        return next instanceof WorkflowInbound ? next : new WorkflowInbound(next);
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return next instanceof ActivityInbound ? next : new ActivityInbound(next);
    }

    private static final class ActivityInbound extends ActivityInboundCallsInterceptorBase {
        ActivityInbound(ActivityInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
            PlatformContext context = ContextHeaderCodec.read(input.getHeader().getValues());
            try (PlatformContext.Scope ignored = WorkflowContexts.bind(context)) {
                return super.execute(input);
            }
        }
    }

    private static final class WorkflowInbound extends WorkflowInboundCallsInterceptorBase {
        /** The workflow's context, for queries (which do not run on workflow threads). */
        private volatile @Nullable PlatformContext workflowContext;

        WorkflowInbound(WorkflowInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
            workflowContext = WorkflowContexts.carried();
            WorkflowContexts.runBound(() -> super.init(new WorkflowOutbound(outboundCalls)));
        }

        @Override
        public Object newWorkflowMethodThread(Runnable runnable, String name) {
            return super.newWorkflowMethodThread(WorkflowContexts.binding(runnable), name);
        }

        @Override
        public Object newCallbackThread(Runnable runnable, String name) {
            return super.newCallbackThread(WorkflowContexts.binding(runnable), name);
        }

        // Signal and update handlers run on callback threads, which newCallbackThread binds; but a signal or update
        // that arrives in the workflow task that (re)creates the workflow gets its callback thread before the
        // interceptors are initialised, so the handlers bind too (nothing is added where the thread is bound).
        @Override
        public void handleSignal(SignalInput input) {
            WorkflowContexts.callBoundUnlessBound(() -> {
                super.handleSignal(input);
                return null;
            });
        }

        @Override
        public void validateUpdate(UpdateInput input) {
            WorkflowContexts.callBoundUnlessBound(() -> {
                super.validateUpdate(input);
                return null;
            });
        }

        @Override
        public UpdateOutput executeUpdate(UpdateInput input) {
            return WorkflowContexts.callBoundUnlessBound(() -> super.executeUpdate(input));
        }

        @Override
        public QueryOutput handleQuery(QueryInput input) {
            try (PlatformContext.Scope ignored = WorkflowContexts.bind(workflowContext)) {
                return super.handleQuery(input);
            }
        }
    }

    private static final class WorkflowOutbound extends WorkflowOutboundCallsInterceptorBase {
        WorkflowOutbound(WorkflowOutboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public Object newChildThread(Runnable runnable, boolean detached, String name) {
            return super.newChildThread(WorkflowContexts.binding(runnable), detached, name);
        }
    }
}
