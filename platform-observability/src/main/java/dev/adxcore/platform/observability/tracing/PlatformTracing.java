package dev.adxcore.platform.observability.tracing;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The bridge between platform-core's {@link PlatformContext} and OpenTelemetry.
 *
 * <h2>One source of truth</h2>
 * While work runs inside a scope opened by {@link #bind(Span, PlatformContext)}, the span is OTel's current span
 * <em>and</em> the bound context's {@link PlatformContext#trace() trace} is that span's id, written from it: OTel's
 * {@code Context} is the source of truth, the platform context is its copy for logs (MDC {@code trace_id}/{@code
 * span_id}), events and Temporal headers. When no SDK is installed the span is not recording and has no valid id;
 * then the platform context's trace (from the incoming header) stays as it is, and {@link #currentContext()}
 * offers it to OTel as a remote parent, so both still name the same trace. Code that only binds a
 * {@code PlatformContext} (no span) is read the same way: {@link #currentContext()} prefers OTel's current valid
 * span, else the bound context's trace.
 *
 * <h2>Propagation</h2>
 * {@code traceparent}/{@code tracestate} are read and written by OTel's {@link W3CTraceContextPropagator}; a
 * malformed {@code traceparent} is ignored by it, so the next span starts a new root and nothing throws.
 *
 * <h2>The Java agent</h2>
 * {@link #agentAttached()} tells whether the OTel Java agent runs in this JVM; callers that create spans the agent
 * also creates (HTTP server and client, JDBC, Lettuce, Kafka clients) skip theirs when it is attached. Spans of
 * platform semantics the agent cannot see (bus publish and each delivery attempt, units of work, template
 * workflows) are always made.
 *
 * <p>Instances are immutable and thread-safe; {@link #global()} reads {@link GlobalOpenTelemetry}, a no-op until
 * the application installs an SDK or the agent. Creating one is cheap (a tracer lookup) and {@link #global()}
 * caches it; without an SDK a span costs almost nothing, with one it costs what the SDK's span processing costs.
 *
 * @since 0.1.0
 */
public final class PlatformTracing {

    /** The instrumentation scope name of every span the SDK makes. */
    public static final String INSTRUMENTATION_NAME = "dev.adxcore.platform";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final boolean AGENT = detectAgent();

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> MAP_SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private static volatile @Nullable PlatformTracing cached;

    /** The API's no-op tracer (one instance): what every tracer is while no SDK and no agent is installed. */
    private static final Tracer NOOP_TRACER = OpenTelemetry.noop().getTracer(INSTRUMENTATION_NAME);

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final boolean enabled;

    private PlatformTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.enabled = tracer != NOOP_TRACER;
    }

    /**
     * Tracing through {@link GlobalOpenTelemetry} (the agent's or an installed SDK's; a no-op otherwise). Read on
     * every call, so an SDK installed after start-up is picked up.
     *
     * @return the bridge
     */
    public static PlatformTracing global() {
        OpenTelemetry current = GlobalOpenTelemetry.get();
        PlatformTracing c = cached;
        if (c == null || c.openTelemetry != current) {
            c = new PlatformTracing(current);
            cached = c;
        }
        return c;
    }

    /**
     * Tracing through the given OpenTelemetry (an SDK built by the application or a test).
     *
     * @param openTelemetry the instance
     * @return the bridge
     */
    public static PlatformTracing of(OpenTelemetry openTelemetry) {
        return new PlatformTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /**
     * Whether the OpenTelemetry Java agent is attached to this JVM (its bootstrap classes are loaded).
     *
     * @return true with {@code -javaagent:opentelemetry-javaagent.jar}
     */
    public static boolean agentAttached() {
        return AGENT;
    }

    private static boolean detectAgent() {
        try {
            Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The OpenTelemetry this bridge uses.
     *
     * @return the instance
     */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /**
     * Whether spans can record: false while the tracer is the API's no-op (no SDK installed, no agent), so that a
     * caller with attributes to compute (span names, pool names, tenant ids) can skip the span altogether and cost
     * nothing at all. A span made while this is false is a no-op anyway; this only saves the caller's own work.
     *
     * @return true when an SDK (or the agent's) provides the tracer
     * @since 0.1.0
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * The tracer of the SDK's spans (scope {@value #INSTRUMENTATION_NAME}).
     *
     * @return the tracer
     */
    public Tracer tracer() {
        return tracer;
    }

    /**
     * OTel's current context, completed from the bound {@link PlatformContext} when OTel has no valid current span
     * but the platform context carries a trace (then that trace is the remote parent).
     *
     * @return the context to parent new spans on
     */
    public static Context currentContext() {
        Context otel = Context.current();
        if (Span.fromContext(otel).getSpanContext().isValid()) {
            return otel;
        }
        return PlatformContext.current()
                .flatMap(PlatformContext::trace)
                .map(t -> otel.with(Span.wrap(remote(
                        t,
                        PlatformContext.current()
                                .flatMap(PlatformContext::traceState)
                                .orElse(null)))))
                .orElse(otel);
    }

    /**
     * Extracts a W3C trace context with OTel's propagator.
     *
     * @param traceparent the {@code traceparent} value, may be null or malformed (then ignored)
     * @param tracestate the {@code tracestate} value, may be null
     * @return the root context with the remote parent, or {@link Context#root()} when there is none
     */
    public static Context extract(@Nullable String traceparent, @Nullable String tracestate) {
        if (traceparent == null) {
            return Context.root();
        }
        Map<String, String> carrier = new HashMap<>(4);
        carrier.put(TraceParent.HEADER, traceparent);
        if (tracestate != null) {
            carrier.put("tracestate", tracestate);
        }
        return W3C.extract(Context.root(), carrier, MAP_GETTER);
    }

    /**
     * Writes the context's span as W3C headers with OTel's propagator.
     *
     * @param context the context
     * @return {@code traceparent} (and {@code tracestate} when not empty); empty when the context has no valid span
     */
    public static Map<String, String> inject(Context context) {
        Map<String, String> carrier = new HashMap<>(4);
        W3C.inject(context, carrier, MAP_SETTER);
        return carrier;
    }

    /**
     * The platform trace of a span, when its id is valid.
     *
     * @param span the span
     * @return the trace parent naming the span, or empty for a no-op span
     */
    public static Optional<TraceParent> traceParentOf(Span span) {
        SpanContext sc = span.getSpanContext();
        if (!sc.isValid()) {
            return Optional.empty();
        }
        return Optional.of(TraceParent.of(
                sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte() & 0xff));
    }

    /**
     * The context with its trace replaced by the span's. No change for a span that has no id of its own (with no
     * SDK the API's spans only carry their remote parent): then the context's own trace stays the truth.
     *
     * @param context the platform context
     * @param span the span that now does the work
     * @return the context to bind
     */
    public static PlatformContext withSpan(PlatformContext context, Span span) {
        Optional<TraceParent> trace = traceParentOf(span);
        if (trace.isEmpty() || span.getSpanContext().isRemote()) {
            return context;
        }
        String state = w3cTraceState(span.getSpanContext().getTraceState());
        return context.toBuilder().trace(trace.get()).traceState(state).build();
    }

    /**
     * Makes the span OTel's current span and binds the platform context with the span's trace, together; closing
     * the scope restores both.
     *
     * @param span the span (no-op spans leave the context's trace as it is)
     * @param context the platform context to bind
     * @return the scope to close on this thread
     */
    public static Scope bind(Span span, PlatformContext context) {
        Context otel = Context.current().with(span);
        io.opentelemetry.context.Scope otelScope = otel.makeCurrent();
        PlatformContext.Scope platformScope;
        try {
            platformScope = withSpan(context, span).bind();
        } catch (RuntimeException | Error e) {
            otelScope.close();
            throw e;
        }
        return new Scope(otelScope, platformScope);
    }

    /**
     * The OTel context that continues the platform context's trace (its trace as remote parent), or root.
     *
     * @param context the platform context
     * @return the parent context for a span that works for it
     */
    public static Context parentFor(PlatformContext context) {
        return context.trace()
                .map(t -> Context.root()
                        .with(Span.wrap(remote(t, context.traceState().orElse(null)))))
                .orElseGet(Context::root);
    }

    /**
     * Starts a span.
     *
     * @param name the span name
     * @param kind the kind
     * @param parent the parent context
     * @return a builder to add attributes and links to
     */
    public SpanBuilder span(String name, SpanKind kind, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
    }

    private static SpanContext remote(TraceParent t, @Nullable String traceState) {
        Context c = extract(t.toHeader(), traceState);
        SpanContext sc = Span.fromContext(c).getSpanContext();
        return sc.isValid()
                ? sc
                : SpanContext.createFromRemoteParent(
                        t.traceId(), t.spanId(), TraceFlags.fromByte((byte) t.flags()), TraceState.getDefault());
    }

    private static @Nullable String w3cTraceState(TraceState state) {
        if (state.isEmpty()) {
            return null;
        }
        Map<String, String> carrier = inject(Context.root()
                .with(Span.wrap(SpanContext.create(
                        "00000000000000000000000000000001", "0000000000000001", TraceFlags.getDefault(), state))));
        return carrier.get("tracestate");
    }

    /** An OTel scope and a platform scope opened together, closed in reverse order. */
    public static final class Scope implements AutoCloseable {

        private final io.opentelemetry.context.Scope otel;
        private final PlatformContext.Scope platform;

        private Scope(io.opentelemetry.context.Scope otel, PlatformContext.Scope platform) {
            this.otel = otel;
            this.platform = platform;
        }

        /** Restores the previous platform context, then the previous OTel context. */
        @Override
        public void close() {
            try {
                platform.close();
            } finally {
                otel.close();
            }
        }
    }

    /** Bounded attribute values: at most this many characters of any text attribute the SDK records. */
    public static final int MAX_ATTRIBUTE_LENGTH = 128;

    /**
     * Cuts a value to {@link #MAX_ATTRIBUTE_LENGTH} characters.
     *
     * @param value the value
     * @return the bounded value
     */
    public static String bounded(String value) {
        return value.length() <= MAX_ATTRIBUTE_LENGTH ? value : value.substring(0, MAX_ATTRIBUTE_LENGTH);
    }
}
