package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.temporal.internal.PlatformWorkerInterceptor;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Test workflow code that records, from every kind of place workflow and activity code runs, which context and MDC
 * it sees; and a worker interceptor that checks a worker thread is left exactly as it was after each task.
 */
final class Probes {

    private Probes() {}

    /**
     * What code saw: where it ran, for which workflow, on which thread ({@code #id name}: the SDK renames pooled
     * workflow threads, the id stays), the bound context and the MDC.
     */
    record Observation(
            String where,
            String workflowId,
            String thread,
            @Nullable PlatformContext context,
            @Nullable String mdcTenant,
            Map<String, String> mdc) {}

    static final Queue<Observation> OBSERVED = new ConcurrentLinkedQueue<>();

    static Map<String, String> mdc() {
        Map<String, String> mdc = new HashMap<>();
        for (String key : List.of(
                MdcKeys.TENANT_ID,
                MdcKeys.USER_ID,
                MdcKeys.CORRELATION_ID,
                MdcKeys.CAUSATION_ID,
                MdcKeys.TRACE_ID,
                MdcKeys.SPAN_ID)) {
            String value = MDC.get(key);
            if (value != null) {
                mdc.put(key, value);
            }
        }
        return mdc;
    }

    static void observe(String where, String workflowId) {
        Thread thread = Thread.currentThread();
        OBSERVED.add(new Observation(
                where,
                workflowId,
                "#" + thread.getId() + " " + thread.getName(),
                PlatformContext.current().orElse(null),
                MDC.get(MdcKeys.TENANT_ID),
                mdc()));
    }

    /** Whether an observation was made by activity code (local activities included), not workflow code. */
    static boolean byActivity(Observation seen) {
        return seen.where().startsWith("activity") || seen.where().startsWith("local activity");
    }

    static void observeInWorkflow(String where) {
        observe(where, Workflow.getInfo().getWorkflowId());
    }

    @WorkflowInterface
    public interface ProbeWorkflow {
        /** Runs activities, waits for {@link #poke} and {@link #touch}, then finishes. */
        @WorkflowMethod
        String run(String label);

        @SignalMethod
        void poke(String label);

        @UpdateValidatorMethod(updateName = "touch")
        void validateTouch(String label);

        @UpdateMethod
        String touch(String label);

        @QueryMethod
        String peek();
    }

    @ActivityInterface
    public interface ProbeActivities {
        void record(String where);

        /** Fails its first attempt of every workflow, then succeeds. */
        void failOnce(String where);

        /** Always fails (non-retryable). */
        void fail(String where);
    }

    public static final class ProbeWorkflowImpl implements ProbeWorkflow {
        private final ProbeActivities activities = Workflow.newActivityStub(
                ProbeActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(10))
                        .setRetryOptions(RetryOptions.newBuilder()
                                .setInitialInterval(Duration.ofMillis(50))
                                .setMaximumAttempts(3)
                                .build())
                        .build());
        private final ProbeActivities local = Workflow.newLocalActivityStub(
                ProbeActivities.class,
                LocalActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(10))
                        .setRetryOptions(RetryOptions.newBuilder()
                                .setInitialInterval(Duration.ofMillis(50))
                                .setMaximumAttempts(3)
                                .build())
                        .build());
        private boolean poked;
        private boolean touched;

        public ProbeWorkflowImpl() {
            observeInWorkflow("workflow constructor");
        }

        @Override
        public String run(String label) {
            observeInWorkflow("workflow method");
            Async.procedure(() -> {
                        observeInWorkflow("Async thread");
                        activities.record("activity scheduled from an Async thread");
                    })
                    .get();
            activities.record("activity");
            local.record("local activity");
            activities.failOnce("activity retried after throwing");
            local.failOnce("local activity retried after throwing");
            try {
                activities.fail("activity that throws");
            } catch (ActivityFailure expected) {
                observeInWorkflow("workflow method after a failed activity");
            }
            Workflow.await(() -> poked && touched);
            observeInWorkflow("workflow method after signal and update");
            return label;
        }

        @Override
        public void poke(String label) {
            observeInWorkflow("signal handler");
            poked = true;
        }

        @Override
        public void validateTouch(String label) {
            observeInWorkflow("update validator");
        }

        @Override
        public String touch(String label) {
            observeInWorkflow("update handler");
            touched = true;
            return label;
        }

        @Override
        public String peek() {
            observeInWorkflow("query handler");
            return poked + "/" + touched;
        }
    }

    public static final class ProbeActivitiesImpl implements ProbeActivities {
        private final Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void record(String where) {
            observe(where, Activity.getExecutionContext().getInfo().getWorkflowId());
        }

        @Override
        public void failOnce(String where) {
            String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
            observe(where, workflowId);
            if (attempts.computeIfAbsent(workflowId + where, k -> new AtomicInteger())
                            .incrementAndGet()
                    == 1) {
                throw new IllegalStateException("transient failure of " + where);
            }
        }

        @Override
        public void fail(String where) {
            observe(where, Activity.getExecutionContext().getInfo().getWorkflowId());
            throw ApplicationFailure.newNonRetryableFailure("always fails", "Probe");
        }
    }

    /**
     * A test environment whose worker runs {@link ProbeWorkflowImpl} with the platform interceptor between the two
     * {@link ThreadStateProbe}s.
     */
    static final class ProbeHarness implements AutoCloseable {
        static final String QUEUE = "probes";
        final TestWorkflowEnvironment env;

        ProbeHarness(WorkerFactoryOptions.Builder factory, WorkerOptions workerOptions) {
            OBSERVED.clear();
            ThreadStateProbe.VIOLATIONS.clear();
            ThreadStateProbe.CHECKS.set(0);
            env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                    .setWorkflowClientOptions(TemporalPlatform.clientOptions().build())
                    .setWorkerFactoryOptions(factory.setWorkerInterceptors(
                                    ThreadStateProbe.inner(),
                                    PlatformWorkerInterceptor.INSTANCE,
                                    ThreadStateProbe.outer())
                            .build())
                    .build());
            Worker worker = env.newWorker(QUEUE, workerOptions);
            worker.registerWorkflowImplementationTypes(ProbeWorkflowImpl.class);
            worker.registerActivitiesImplementations(new ProbeActivitiesImpl());
            env.start();
        }

        /** Starts a probe workflow from a client thread on which {@code context} is bound. */
        WorkflowStub start(String workflowId, PlatformContext context) {
            WorkflowStub stub = env.getWorkflowClient()
                    .newUntypedWorkflowStub(
                            "ProbeWorkflow",
                            WorkflowOptions.newBuilder()
                                    .setTaskQueue(QUEUE)
                                    .setWorkflowId(workflowId)
                                    .build());
            try (PlatformContext.Scope ignored = context.bind()) {
                stub.start(workflowId);
            }
            return stub;
        }

        /** Signals, updates and queries the workflow from a client thread on which {@code sender} is bound. */
        void pokeTouchAndPeek(WorkflowStub stub, PlatformContext sender) {
            try (PlatformContext.Scope ignored = sender.bind()) {
                stub.signal("poke", "from " + sender.correlationId());
                stub.update("touch", String.class, "from " + sender.correlationId());
                stub.query("peek", String.class);
            }
        }

        @Override
        public void close() {
            env.close();
        }
    }

    /**
     * Checks that each worker thread is left exactly as it was: at the start of a task it finds no context and none
     * of the {@link MdcKeys}; it then binds {@link #SENTINEL} around the platform's own binding, and after the task
     * (returned, thrown, or destroyed on eviction) the sentinel must be back exactly, and nothing once it closes.
     * Interceptor chains run the last interceptor outermost for method calls and innermost for the runnables they
     * wrap, so two instances are installed: {@link #inner()} before the platform's interceptor (thread runnables of
     * the inbound chain) and {@link #outer()} after it (method calls, activity tasks, and the outbound chain's
     * threads).
     */
    static final class ThreadStateProbe extends WorkerInterceptorBase {
        static final UUID SENTINEL_TENANT = UUID.fromString("00000000-0000-4000-8000-5e9711e10000");
        static final PlatformContext SENTINEL = PlatformContext.builder()
                .tenantId(SENTINEL_TENANT)
                .userId("sentinel")
                .correlationId("sentinel")
                .build();
        static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();
        static final AtomicInteger CHECKS = new AtomicInteger();

        private final boolean outer;

        private ThreadStateProbe(boolean outer) {
            this.outer = outer;
        }

        static ThreadStateProbe inner() {
            return new ThreadStateProbe(false);
        }

        static ThreadStateProbe outer() {
            return new ThreadStateProbe(true);
        }

        static <T> T around(String what, Supplier<T> task) {
            String thread = Thread.currentThread().getName();
            expectClean("before " + what + " on " + thread);
            try (PlatformContext.Scope ignored = SENTINEL.bind()) {
                try {
                    return task.get();
                } finally {
                    if (!PlatformContext.current().equals(java.util.Optional.of(SENTINEL))
                            || !SENTINEL_TENANT.toString().equals(MDC.get(MdcKeys.TENANT_ID))
                            || !"sentinel".equals(MDC.get(MdcKeys.USER_ID))
                            || MDC.get(MdcKeys.CAUSATION_ID) != null) {
                        VIOLATIONS.add("after " + what + " on " + thread + ": found " + PlatformContext.current()
                                + " and MDC " + mdc() + " instead of what the thread had");
                    }
                }
            } finally {
                expectClean("after " + what + " on " + thread + " closed the probe's scope");
                CHECKS.incrementAndGet();
            }
        }

        private static void expectClean(String when) {
            Map<String, String> mdc = mdc();
            if (PlatformContext.current().isPresent() || !mdc.isEmpty()) {
                VIOLATIONS.add(when + ": found " + PlatformContext.current() + " and MDC " + mdc);
            }
        }

        private static Runnable around(String what, Runnable task) {
            return () -> around(what, () -> {
                task.run();
                return null;
            });
        }

        @Override
        public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
            return new WorkflowInboundCallsInterceptorBase(next) {
                @Override
                public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
                    if (!outer) {
                        super.init(outboundCalls);
                        return;
                    }
                    WorkflowOutboundCallsInterceptor probed = new WorkflowOutboundCallsInterceptorBase(outboundCalls) {
                        @Override
                        public Object newChildThread(Runnable runnable, boolean detached, String name) {
                            return super.newChildThread(around("child thread " + name, runnable), detached, name);
                        }
                    };
                    around("workflow init", () -> {
                        super.init(probed);
                        return null;
                    });
                }

                @Override
                public Object newWorkflowMethodThread(Runnable runnable, String name) {
                    return super.newWorkflowMethodThread(
                            outer ? runnable : around("workflow method thread", runnable), name);
                }

                @Override
                public Object newCallbackThread(Runnable runnable, String name) {
                    return super.newCallbackThread(
                            outer ? runnable : around("callback thread " + name, runnable), name);
                }

                @Override
                public QueryOutput handleQuery(QueryInput input) {
                    return outer
                            ? around("query " + input.getQueryName(), () -> super.handleQuery(input))
                            : super.handleQuery(input);
                }
            };
        }

        @Override
        public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
            if (!outer) {
                return next;
            }
            return new ActivityInboundCallsInterceptorBase(next) {
                @Override
                public ActivityOutput execute(ActivityInput input) {
                    return around("activity", () -> super.execute(input));
                }
            };
        }

        static List<String> violations() {
            return new ArrayList<>(VIOLATIONS);
        }
    }
}
