package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry spans for Temporal, on the OTel API only (a no-op unless the application installs an SDK or the
 * agent), in the shape of Temporal's own tracing interceptors ({@code temporal-opentelemetry}, which is not on Maven
 * Central for 1.38):
 *
 * <ul>
 *   <li><b>Client</b> ({@link #CLIENT}): a {@code CLIENT} span {@code StartWorkflow:<type>},
 *       {@code SignalWithStartWorkflow:<type>} or {@code SignalWorkflow:<signal>} around the call, parented on
 *       {@link PlatformTracing#currentContext()} (OTel's current span, else the bound platform context's trace).</li>
 *   <li><b>Worker</b> ({@link #WORKER}): a {@code SERVER} span {@code RunWorkflow:<type>} around the workflow method
 *       and {@code RunActivity:<type>} around each activity attempt (local ones included), {@code HandleSignal:<signal>}
 *       around each signal handler; from workflow code, a
 *       {@code CLIENT} span {@code StartActivity:<name>}, {@code StartChildWorkflow:<type>} or
 *       {@code SignalExternalWorkflow:<signal>} that ends once the command is scheduled.</li>
 * </ul>
 *
 * <p>Each {@code CLIENT} span travels in the Temporal header {@value #HEADER} (the header name Temporal's tracing
 * interceptors use in every SDK): a payload of the default data converter holding the W3C {@code traceparent} (and
 * {@code tracestate}) written by OTel's propagator, and it parents the {@code SERVER} span on the worker. A task
 * without that header (a client that lacks this interceptor) is parented on the platform context's
 * {@code adx-traceparent}; a malformed one is ignored (a new root, logged at DEBUG).
 *
 * <p><b>Replay-safe.</b> No span is made while {@link Workflow#isReplaying()}: a workflow replayed after a worker
 * restart or a cache eviction makes no second {@code RunWorkflow} span and no second span for the commands already
 * in its history; the commands it schedules once it is live again are parented on the workflow's start (the remote
 * parent from its headers). Workflow code never reads the spans, so they cannot change a workflow's decisions.
 *
 * <p>Inside {@code RunActivity} the bound {@link PlatformContext} carries the activity's span as its trace
 * ({@link PlatformTracing#bind}), so the activity's logs and what it publishes name the same span as OTel. The
 * worker interceptor must sit inside {@link PlatformWorkerInterceptor} (before it in the worker factory's list),
 * which {@link PlatformPlugin} and {@code TemporalPlatform.workerFactoryOptions()} arrange. Stateless; thread-safe.
 * Without an OTel SDK a span costs almost nothing; with one, a span per call plus one header payload.
 */
public final class TracingInterceptors {

    /** The Temporal header that carries the span context. */
    public static final String HEADER = "_tracer-data";

    /** The client interceptor. */
    public static final WorkflowClientInterceptorBase CLIENT = new ClientInterceptor();

    /** The worker interceptor. */
    public static final WorkerInterceptorBase WORKER = new WorkerInterceptor();

    private static final Logger log = LoggerFactory.getLogger(TracingInterceptors.class);
    private static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("temporal.workflow.id");
    private static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("temporal.run.id");
    private static final AttributeKey<String> WORKFLOW_TYPE = AttributeKey.stringKey("temporal.workflow.type");
    private static final AttributeKey<String> ACTIVITY_TYPE = AttributeKey.stringKey("temporal.activity.type");
    private static final AttributeKey<String> SIGNAL_NAME = AttributeKey.stringKey("temporal.signal.name");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("temporal.activity.attempt");

    private TracingInterceptors() {}

    // ------------------------------------------------------------------------------------------ header

    /**
     * Writes the context's span into the header (nothing when it has no valid span).
     *
     * @param context the context whose span the receiver continues
     * @param header the outgoing header
     */
    static void inject(Context context, Header header) {
        Map<String, String> carrier = PlatformTracing.inject(context);
        if (carrier.isEmpty()) {
            return;
        }
        DefaultDataConverter.STANDARD_INSTANCE
                .toPayload(carrier)
                .ifPresent(p -> header.getValues().put(HEADER, p));
    }

    /**
     * The parent a task's headers name.
     *
     * @param header the incoming header
     * @return the context of {@value #HEADER}, else {@link PlatformTracing#currentContext()}
     */
    static Context parentOf(Header header) {
        Payload payload = header.getValues().get(HEADER);
        if (payload == null) {
            return PlatformTracing.currentContext();
        }
        try {
            Map<?, ?> carrier = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, Map.class, Map.class);
            Context extracted =
                    PlatformTracing.extract(text(carrier.get("traceparent")), text(carrier.get("tracestate")));
            return Span.fromContext(extracted).getSpanContext().isValid() ? extracted : Context.root();
        } catch (RuntimeException e) {
            log.debug(
                    "Ignoring the malformed Temporal header {}: {}",
                    HEADER,
                    e.getClass().getName());
            return Context.root();
        }
    }

    private static @Nullable String text(@Nullable Object value) {
        return value instanceof String s ? s : null;
    }

    // ------------------------------------------------------------------------------------------ span helpers

    private static SpanBuilder span(String name, SpanKind kind, Context parent) {
        return PlatformTracing.global().span(PlatformTracing.bounded(name), kind, parent);
    }

    private static void failed(Span span, Throwable error) {
        // The SDK unwinds evicted workflow threads and continue-as-new with its own internal errors: not failures.
        if (error.getClass().getName().startsWith("io.temporal.internal.")) {
            return;
        }
        span.recordException(error);
        span.setStatus(
                StatusCode.ERROR, PlatformTracing.bounded(error.getClass().getName()));
    }

    /** Runs the call with the span current (OTel only), then ends it. */
    private static <T> T within(Span span, Context parent, Supplier<T> call) {
        try (Scope ignored = parent.with(span).makeCurrent()) {
            return call.get();
        } catch (RuntimeException | Error e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** A client-side call: a CLIENT span current around it, written into its header. */
    private static <T> T clientCall(SpanBuilder builder, Context parent, Header header, Supplier<T> call) {
        Span span = builder.startSpan();
        inject(parent.with(span), header);
        return within(span, parent, call);
    }

    /** A command of workflow code: a CLIENT span written into its header, unless the workflow is replaying. */
    private static <T> T command(
            String name, Header header, Supplier<T> call, java.util.function.Consumer<SpanBuilder> attributes) {
        if (Workflow.isReplaying()) {
            return call.get();
        }
        Context parent = PlatformTracing.currentContext();
        WorkflowInfo info = Workflow.getInfo();
        SpanBuilder builder = span(name, SpanKind.CLIENT, parent)
                .setAttribute(WORKFLOW_ID, PlatformTracing.bounded(info.getWorkflowId()))
                .setAttribute(RUN_ID, info.getRunId());
        attributes.accept(builder);
        return clientCall(builder, parent, header, call);
    }

    // ------------------------------------------------------------------------------------------ client

    private static final class ClientInterceptor extends WorkflowClientInterceptorBase {
        @Override
        public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(WorkflowClientCallsInterceptor next) {
            return new ClientCalls(super.workflowClientCallsInterceptor(next));
        }
    }

    private static final class ClientCalls extends WorkflowClientCallsInterceptorBase {
        ClientCalls(WorkflowClientCallsInterceptor next) {
            super(next);
        }

        @Override
        public WorkflowStartOutput start(WorkflowStartInput input) {
            Context parent = PlatformTracing.currentContext();
            return clientCall(
                    startSpan("StartWorkflow:", input, parent), parent, input.getHeader(), () -> super.start(input));
        }

        @Override
        public WorkflowSignalWithStartOutput signalWithStart(WorkflowSignalWithStartInput input) {
            Context parent = PlatformTracing.currentContext();
            WorkflowStartInput start = input.getWorkflowStartInput();
            return clientCall(
                    startSpan("SignalWithStartWorkflow:", start, parent)
                            .setAttribute(SIGNAL_NAME, PlatformTracing.bounded(input.getSignalName())),
                    parent,
                    start.getHeader(),
                    () -> super.signalWithStart(input));
        }

        @Override
        public WorkflowSignalOutput signal(WorkflowSignalInput input) {
            Context parent = PlatformTracing.currentContext();
            return clientCall(
                    span("SignalWorkflow:" + input.getSignalName(), SpanKind.CLIENT, parent)
                            .setAttribute(
                                    WORKFLOW_ID,
                                    PlatformTracing.bounded(
                                            input.getWorkflowExecution().getWorkflowId()))
                            .setAttribute(SIGNAL_NAME, PlatformTracing.bounded(input.getSignalName())),
                    parent,
                    input.getHeader(),
                    () -> super.signal(input));
        }

        private static SpanBuilder startSpan(String prefix, WorkflowStartInput input, Context parent) {
            return span(prefix + input.getWorkflowType(), SpanKind.CLIENT, parent)
                    .setAttribute(WORKFLOW_ID, PlatformTracing.bounded(input.getWorkflowId()))
                    .setAttribute(WORKFLOW_TYPE, PlatformTracing.bounded(input.getWorkflowType()));
        }
    }

    // ------------------------------------------------------------------------------------------ worker

    private static final class WorkerInterceptor extends WorkerInterceptorBase {
        @Override
        public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
            return next instanceof WorkflowInbound ? next : new WorkflowInbound(next);
        }

        @Override
        public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
            return next instanceof ActivityInbound ? next : new ActivityInbound(next);
        }
    }

    private static final class WorkflowInbound extends WorkflowInboundCallsInterceptorBase {
        WorkflowInbound(WorkflowInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
            super.init(new WorkflowOutbound(outboundCalls));
        }

        @Override
        public WorkflowOutput execute(WorkflowInput input) {
            Context parent = parentOf(input.getHeader());
            if (Workflow.isReplaying()) {
                try (Scope ignored = parent.makeCurrent()) {
                    return super.execute(input);
                }
            }
            WorkflowInfo info = Workflow.getInfo();
            Span span = span("RunWorkflow:" + info.getWorkflowType(), SpanKind.SERVER, parent)
                    .setAttribute(WORKFLOW_ID, PlatformTracing.bounded(info.getWorkflowId()))
                    .setAttribute(RUN_ID, info.getRunId())
                    .setAttribute(WORKFLOW_TYPE, PlatformTracing.bounded(info.getWorkflowType()))
                    .startSpan();
            return within(span, parent, () -> super.execute(input));
        }

        @Override
        public void handleSignal(SignalInput input) {
            if (Workflow.isReplaying()) {
                super.handleSignal(input);
                return;
            }
            Context parent = parentOf(input.getHeader());
            WorkflowInfo info = Workflow.getInfo();
            Span span = span("HandleSignal:" + input.getSignalName(), SpanKind.SERVER, parent)
                    .setAttribute(WORKFLOW_ID, PlatformTracing.bounded(info.getWorkflowId()))
                    .setAttribute(RUN_ID, info.getRunId())
                    .setAttribute(SIGNAL_NAME, PlatformTracing.bounded(input.getSignalName()))
                    .startSpan();
            within(span, parent, () -> {
                super.handleSignal(input);
                return null;
            });
        }
    }

    private static final class WorkflowOutbound extends WorkflowOutboundCallsInterceptorBase {
        WorkflowOutbound(WorkflowOutboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
            return command(
                    "StartActivity:" + input.getActivityName(),
                    input.getHeader(),
                    () -> super.executeActivity(input),
                    b -> b.setAttribute(ACTIVITY_TYPE, PlatformTracing.bounded(input.getActivityName())));
        }

        @Override
        public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
            return command(
                    "StartActivity:" + input.getActivityName(),
                    input.getHeader(),
                    () -> super.executeLocalActivity(input),
                    b -> b.setAttribute(ACTIVITY_TYPE, PlatformTracing.bounded(input.getActivityName())));
        }

        @Override
        public <R> ChildWorkflowOutput<R> executeChildWorkflow(ChildWorkflowInput<R> input) {
            return command(
                    "StartChildWorkflow:" + input.getWorkflowType(),
                    input.getHeader(),
                    () -> super.executeChildWorkflow(input),
                    b -> b.setAttribute(WORKFLOW_TYPE, PlatformTracing.bounded(input.getWorkflowType())));
        }

        @Override
        public SignalExternalOutput signalExternalWorkflow(SignalExternalInput input) {
            return command(
                    "SignalExternalWorkflow:" + input.getSignalName(),
                    input.getHeader(),
                    () -> super.signalExternalWorkflow(input),
                    b -> b.setAttribute(SIGNAL_NAME, PlatformTracing.bounded(input.getSignalName())));
        }
    }

    private static final class ActivityInbound extends ActivityInboundCallsInterceptorBase {
        private @Nullable ActivityInfo info;

        ActivityInbound(ActivityInboundCallsInterceptor next) {
            super(next);
        }

        @Override
        public void init(ActivityExecutionContext context) {
            info = context.getInfo();
            super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
            Context parent = parentOf(input.getHeader());
            ActivityInfo i = info;
            String type = i == null ? "unknown" : i.getActivityType();
            SpanBuilder builder = span("RunActivity:" + type, SpanKind.SERVER, parent)
                    .setAttribute(ACTIVITY_TYPE, PlatformTracing.bounded(type));
            if (i != null) {
                builder.setAttribute(WORKFLOW_ID, PlatformTracing.bounded(i.getWorkflowId()))
                        .setAttribute(ATTEMPT, (long) i.getAttempt());
                Optional.ofNullable(i.getWorkflowRunId()).ifPresent(r -> builder.setAttribute(RUN_ID, r));
            }
            Span span = builder.startSpan();
            Optional<PlatformContext> bound = PlatformContext.current();
            if (bound.isEmpty()) {
                return within(span, parent, () -> super.execute(input));
            }
            // The platform context takes the span's trace, so the activity's logs and events name this span.
            try (Scope ignored = parent.makeCurrent();
                    PlatformTracing.Scope scope = PlatformTracing.bind(span, bound.get())) {
                return super.execute(input);
            } catch (RuntimeException | Error e) {
                failed(span, e);
                throw e;
            } finally {
                span.end();
            }
        }
    }
}
