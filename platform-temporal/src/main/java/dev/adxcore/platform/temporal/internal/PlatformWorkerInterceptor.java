package dev.adxcore.platform.temporal.internal;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/**
 * Clears the platform context and its MDC keys from the activity thread when an activity task ends.
 * The SDK sets the context through the propagator but never removes it (sdk-java#2314); SDK 1.38 clears
 * the MDC after each task of its own executors, but not our context thread-local, and not the MDC on a
 * custom task executor, so a pooled thread would carry the last tenant into the next task. Workflow
 * threads need no such help: the context lives in a workflow-thread local there and the SDK clears the
 * MDC when a workflow thread ends.
 */
public final class PlatformWorkerInterceptor extends WorkerInterceptorBase {

    /** The shared instance. */
    public static final PlatformWorkerInterceptor INSTANCE = new PlatformWorkerInterceptor();

    private PlatformWorkerInterceptor() {
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public ActivityOutput execute(ActivityInput input) {
                try {
                    return super.execute(input);
                } finally {
                    CurrentContext.clear();
                }
            }
        };
    }
}
