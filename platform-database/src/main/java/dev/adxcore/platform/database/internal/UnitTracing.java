package dev.adxcore.platform.database.internal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One {@code INTERNAL} span per unit of work of a {@code DatabaseManager}: {@code read <name>} for a read-only unit,
 * {@code write <name>} for a read-write unit, parented on the current trace ({@link PlatformTracing#currentContext()})
 * and current (OTel's span and the bound platform context's trace, {@link PlatformTracing#bind}) while the work runs,
 * so what the work logs, the events it records and the agent's JDBC spans belong to it.
 *
 * <p>Attributes (bounded: each value comes from a fixed set or the manager's configuration, never from SQL or its
 * values): {@code db.system.name}={@code postgresql}, {@code adxcore.db.name} (the manager's name),
 * {@code adxcore.db.unit} ({@code read}|{@code write}), {@code adxcore.db.route} ({@code primary}|{@code replica}),
 * {@code adxcore.db.pool} (the pool that served it), {@code adxcore.db.consistency} (reads: {@code latest}|
 * {@code replica}|{@code causal}), {@code adxcore.db.fallback} (a replica read the primary served:
 * {@code unavailable}|{@code lagging}|{@code failed}), {@code adxcore.db.joined} (a read run inside the thread's
 * read-write unit), {@code adxcore.tenant_id} (as on the bus spans). A failed unit has status {@code ERROR} and
 * {@code error.type} (the exception's class name); the exception's message is not recorded, since PostgreSQL puts
 * row values in it ({@code Key (email)=(...) already exists}).
 *
 * <p>A unit outside any trace (no current span, no trace in the bound platform context: an outbox relay's poll, a
 * purge, a start-up check, a tool) makes no span: a relay polling every few milliseconds would otherwise start a
 * trace per poll, and the producer spans of what it publishes inside its unit would leave the events' own traces.
 *
 * <p>Without an SDK ({@link PlatformTracing#isEnabled()} false) {@link #startRead}/{@link #startWrite} return
 * {@code null} after one volatile read and the unit runs as before: no span is made (`UnitOfWorkWithoutSdkTest`). Thread-safe (immutable);
 * one per manager. Internal.
 */
public final class UnitTracing {

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("db.system.name");
    private static final AttributeKey<String> NAME = AttributeKey.stringKey("adxcore.db.name");
    private static final AttributeKey<String> UNIT = AttributeKey.stringKey("adxcore.db.unit");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("adxcore.db.route");
    private static final AttributeKey<String> POOL = AttributeKey.stringKey("adxcore.db.pool");
    private static final AttributeKey<String> CONSISTENCY = AttributeKey.stringKey("adxcore.db.consistency");
    private static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("adxcore.db.fallback");
    private static final AttributeKey<Boolean> JOINED = AttributeKey.booleanKey("adxcore.db.joined");
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("adxcore.tenant_id");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** The value of {@code db.system.name}. */
    public static final String POSTGRESQL = "postgresql";

    private static final String[] CONSISTENCIES = consistencies();

    private final String name;
    private final String readSpanName;
    private final String writeSpanName;

    /**
     * @param name the manager's name (its configuration's {@code name})
     */
    public UnitTracing(String name) {
        this.name = PlatformTracing.bounded(name);
        this.readSpanName = "read " + this.name;
        this.writeSpanName = "write " + this.name;
    }

    private static String[] consistencies() {
        ReadConsistency.Kind[] kinds = ReadConsistency.Kind.values();
        String[] names = new String[kinds.length];
        for (ReadConsistency.Kind k : kinds) {
            names[k.ordinal()] = k.name().toLowerCase(java.util.Locale.ROOT);
        }
        return names;
    }

    /**
     * Starts the span of a read-only unit.
     *
     * @param kind the read's consistency (resolved)
     * @param tenantId the unit's tenant, or null
     * @return the span, or null when no SDK is installed
     */
    public @Nullable Span startRead(ReadConsistency.Kind kind, @Nullable UUID tenantId) {
        PlatformTracing tracing = PlatformTracing.global();
        if (!tracing.isEnabled()) {
            return null;
        }
        Span span = start(tracing, readSpanName, "read", tenantId);
        if (span == null) {
            return null;
        }
        span.setAttribute(CONSISTENCY, CONSISTENCIES[kind.ordinal()]);
        return span;
    }

    /**
     * Starts the span of a read-write unit (always on the primary).
     *
     * @param primaryPool the primary's pool name
     * @param tenantId the unit's tenant, or null
     * @return the span, or null when no SDK is installed
     */
    public @Nullable Span startWrite(String primaryPool, @Nullable UUID tenantId) {
        PlatformTracing tracing = PlatformTracing.global();
        if (!tracing.isEnabled()) {
            return null;
        }
        Span span = start(tracing, writeSpanName, "write", tenantId);
        if (span == null) {
            return null;
        }
        served(span, primaryPool, true);
        return span;
    }

    private @Nullable Span start(PlatformTracing tracing, String spanName, String unit, @Nullable UUID tenantId) {
        Context parent = PlatformTracing.currentContext();
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            // Outside any trace (an outbox relay's poll, a purge, a start-up check): no root span per poll; and a
            // relay's publish inside its unit then stays parented on each event's own traceparent.
            return null;
        }
        Span span = tracing.span(spanName, SpanKind.INTERNAL, parent)
                .setAttribute(SYSTEM, POSTGRESQL)
                .setAttribute(NAME, name)
                .setAttribute(UNIT, unit)
                .startSpan();
        if (tenantId != null) {
            span.setAttribute(TENANT, tenantId.toString());
        }
        return span;
    }

    /**
     * Makes the span current: OTel's current span and, when a platform context is bound, its trace.
     *
     * @param span the unit's span
     * @return the scope, to close on this thread before the unit changes the bound context itself
     */
    public static Scope bind(Span span) {
        Optional<PlatformContext> bound = PlatformContext.current();
        if (bound.isEmpty()) {
            return Context.current().with(span).makeCurrent();
        }
        PlatformTracing.Scope scope = PlatformTracing.bind(span, bound.get());
        return scope::close;
    }

    /**
     * Records the pool that served (or serves) the unit; a later call (a replica read run again on the primary)
     * replaces it.
     *
     * @param span the unit's span, or null
     * @param pool the pool's name
     * @param primary whether it is the primary's
     */
    public static void served(@Nullable Span span, String pool, boolean primary) {
        if (span != null) {
            span.setAttribute(ROUTE, primary ? "primary" : "replica");
            span.setAttribute(POOL, pool);
        }
    }

    /**
     * Records that a replica read went to the primary.
     *
     * @param span the unit's span, or null
     * @param reason {@code unavailable}, {@code lagging} or {@code failed}
     */
    public static void fallback(@Nullable Span span, String reason) {
        if (span != null) {
            span.setAttribute(FALLBACK, reason);
        }
    }

    /**
     * Records that a read ran inside the thread's read-write unit, on its connection.
     *
     * @param span the unit's span, or null
     * @param primaryPool the primary's pool name
     */
    public static void joined(@Nullable Span span, String primaryPool) {
        if (span != null) {
            span.setAttribute(JOINED, true);
            served(span, primaryPool, true);
        }
    }

    /**
     * Marks the span failed with the exception's type (not its message).
     *
     * @param span the unit's span
     * @param failure what the unit threw
     */
    public static void failed(Span span, Throwable failure) {
        span.setAttribute(ERROR_TYPE, PlatformTracing.bounded(failure.getClass().getName()));
        span.setStatus(StatusCode.ERROR);
    }
}
