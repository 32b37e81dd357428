package dev.adxcore.platform.core;

import dev.adxcore.platform.core.internal.ContextValues;
import dev.adxcore.platform.core.internal.PropagatingExecutorService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * Who a piece of work runs for and how it is traced: the request context that every platform jar reads.
 *
 * <p>A context holds a tenant id (a {@link UUID}), a user id, the user's roles, a correlation id (shared by
 * everything done for one business request), a causation id (what directly caused this work: a request, an
 * event, a workflow), the W3C trace context, and the causal token of the last write this work committed (so
 * that a reader down the line can ask for a replica at least that fresh). Every value is validated when it is
 * set; a malformed one throws {@link InvalidContextException} with a message that names the field and never
 * echoes hostile text.
 *
 * <pre>{@code
 * PlatformContext ctx = PlatformHeaders.extract(request::header);     // at the edge: validated
 * try (PlatformContext.Scope ignored = ctx.bind()) {                   // this thread, and its MDC
 *     users.create(input);         // the unit of work takes the bound tenant; its event carries it all
 *     executor.submit(PlatformContext.wrap(task));                    // hand-offs carry it explicitly
 * }                                                                    // previous context and MDC restored
 * }</pre>
 *
 * <h2>Binding</h2>
 * {@link #bind()} makes the context {@linkplain #current() current} on the calling thread until the returned
 * {@link Scope} is closed, and writes its MDC view (the {@link MdcKeys}: keys the context has no value for are
 * removed for the scope). Closing restores exactly the previous context and MDC values, so a pooled thread
 * never keeps a finished request's context. Scopes nest and must be closed on the thread that opened them, in
 * reverse order (try-with-resources does both). A context is not inherited by threads the work starts: use
 * {@link #wrap(Runnable)}, {@link #wrap(Callable)}, {@link #wrapSupplier(Supplier)}, {@link #wrapFunction(Function)} or
 * {@link #propagating(Executor)}; for {@code CompletableFuture} stages pass a propagating executor to the
 * {@code *Async} methods, or wrap the stage's function, because a continuation is submitted on the thread that
 * completes the previous stage.
 *
 * <p>Instances are immutable and thread-safe. Binding costs about as much as putting and removing the six MDC
 * keys by hand (measured in the benchmarks module, {@code ContextBindBenchmark}).
 *
 * @since 0.1.0
 */
public final class PlatformContext {

    private static final Logger log = LoggerFactory.getLogger(PlatformContext.class);
    private static final ThreadLocal<@Nullable PlatformContext> CURRENT = new ThreadLocal<>();

    private final @Nullable UUID tenantId;
    private final @Nullable String tenantText;
    private final @Nullable String userId;
    private final Set<String> roles;
    private final String correlationId;
    private final @Nullable String causationId;
    private final @Nullable TraceParent trace;
    private final @Nullable String traceState;
    private final @Nullable String causalToken;

    private PlatformContext(Builder b, String correlationId) {
        this.tenantId = b.tenantId;
        this.tenantText = b.tenantId == null ? null : b.tenantId.toString();
        this.userId = b.userId;
        this.roles = b.roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(b.roles));
        this.correlationId = correlationId;
        this.causationId = b.causationId;
        this.trace = b.trace;
        this.traceState = b.trace == null ? null : b.traceState;
        this.causalToken = b.causalToken;
    }

    /**
     * Starts describing a context.
     *
     * @return a new builder; {@link Builder#build()} draws a correlation id when none is set
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every value of this context, to derive a changed copy.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tenantId = tenantId;
        b.userId = userId;
        b.roles.addAll(roles);
        b.correlationId = correlationId;
        b.causationId = causationId;
        b.trace = trace;
        b.traceState = traceState;
        b.causalToken = causalToken;
        return b;
    }

    /**
     * Parses a tenant id by the context's rule: a canonical UUID (36 characters, hex digits in groups 8-4-4-4-12,
     * any case), not the nil UUID. {@link UUID#fromString} alone would also accept forms like {@code 1-1-1-1-1}.
     *
     * @param text the tenant id text
     * @return the tenant
     * @throws InvalidContextException when it is not a canonical, non-nil UUID; the message never echoes hostile
     *     text
     * @since 0.1.0
     */
    public static UUID parseTenantId(String text) {
        return ContextValues.tenant(Objects.requireNonNull(text, "text"));
    }

    /**
     * The context bound on the calling thread.
     *
     * @return the innermost bound context, or empty when none is bound
     * @since 0.1.0
     */
    public static Optional<PlatformContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * The context bound on the calling thread, for code that cannot run without one.
     *
     * @return the innermost bound context
     * @throws IllegalStateException when none is bound; the message says how to bind one
     * @since 0.1.0
     */
    public static PlatformContext require() {
        PlatformContext c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("no PlatformContext is bound on thread '"
                    + Thread.currentThread().getName()
                    + "': bind one with PlatformContext.bind() (try-with-resources) where the request enters the service, "
                    + "and hand work to other threads with PlatformContext.wrap(...) or propagating(executor)");
        }
        return c;
    }

    /**
     * Makes this context current on the calling thread, with its MDC view, until the scope is closed.
     *
     * @return the scope; close it on this thread (try-with-resources)
     * @since 0.1.0
     */
    public Scope bind() {
        return open(this);
    }

    /**
     * Runs with no context bound on the calling thread (for example system work started from within a
     * request), restoring the previous context and MDC when the scope closes.
     *
     * @return the scope; close it on this thread (try-with-resources)
     * @since 0.1.0
     */
    public static Scope bindNone() {
        return open(null);
    }

    /**
     * Replaces the context bound on the calling thread by {@code change} applied to it, for the rest of the
     * innermost open scope (closing that scope restores what was there before it opened, as usual). This is how
     * platform-database records the causal token of a commit in the request's context.
     *
     * @param change derives the new context from the current one
     * @return true when a context was bound and replaced; false (and nothing changes) when none is bound
     * @since 0.1.0
     */
    public static boolean updateCurrent(UnaryOperator<PlatformContext> change) {
        Objects.requireNonNull(change, "change");
        PlatformContext c = CURRENT.get();
        if (c == null) {
            return false;
        }
        PlatformContext next = Objects.requireNonNull(change.apply(c), "change returned null");
        CURRENT.set(next);
        writeMdc(next);
        return true;
    }

    /**
     * Binds this context, runs {@code task} and restores the previous context, also when it throws.
     *
     * @param task the work
     * @since 0.1.0
     */
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        try (Scope ignored = bind()) {
            task.run();
        }
    }

    /**
     * Binds this context, calls {@code task} and restores the previous context, also when it throws.
     *
     * @param task the work
     * @param <T> the result type
     * @return the task's result
     * @throws Exception what the task throws
     * @since 0.1.0
     */
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        try (Scope ignored = bind()) {
            return task.call();
        }
    }

    /**
     * A task that runs with the context bound on the calling thread now (or with none, when none is bound),
     * and then restores whatever the executing thread had.
     *
     * @param task the task
     * @return the wrapped task
     * @since 0.1.0
     */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        PlatformContext captured = CURRENT.get();
        return () -> {
            try (Scope ignored = open(captured)) {
                task.run();
            }
        };
    }

    /**
     * Like {@link #wrap(Runnable)} for a task with a result.
     *
     * @param task the task
     * @param <T> the result type
     * @return the wrapped task
     * @since 0.1.0
     */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        PlatformContext captured = CURRENT.get();
        return () -> {
            try (Scope ignored = open(captured)) {
                return task.call();
            }
        };
    }

    /**
     * Like {@link #wrap(Runnable)} for a supplier ({@code CompletableFuture.supplyAsync}).
     *
     * @param task the supplier
     * @param <T> the result type
     * @return the wrapped supplier
     * @since 0.1.0
     */
    public static <T> Supplier<T> wrapSupplier(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        PlatformContext captured = CURRENT.get();
        return () -> {
            try (Scope ignored = open(captured)) {
                return task.get();
            }
        };
    }

    /**
     * Like {@link #wrap(Runnable)} for a function ({@code CompletableFuture.thenApplyAsync}: the context is
     * captured when the stage is declared, not when the previous stage completes).
     *
     * @param fn the function
     * @param <A> the argument type
     * @param <R> the result type
     * @return the wrapped function
     * @since 0.1.0
     */
    public static <A, R> Function<A, R> wrapFunction(Function<A, R> fn) {
        Objects.requireNonNull(fn, "fn");
        PlatformContext captured = CURRENT.get();
        return a -> {
            try (Scope ignored = open(captured)) {
                return fn.apply(a);
            }
        };
    }

    /**
     * An executor that runs every task with the context that was bound on the thread that submitted it.
     *
     * @param executor the executor doing the work
     * @return a view of it that carries the context; it adds one allocation per task
     * @since 0.1.0
     */
    public static Executor propagating(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return command -> executor.execute(wrap(command));
    }

    /**
     * Like {@link #propagating(Executor)} for an executor service: {@code execute}, {@code submit},
     * {@code invokeAll} and {@code invokeAny} carry the submitter's context; shutdown and termination are
     * delegated.
     *
     * @param executor the executor service doing the work
     * @return a view of it that carries the context
     * @since 0.1.0
     */
    public static ExecutorService propagating(ExecutorService executor) {
        return new PropagatingExecutorService(executor);
    }

    /**
     * The tenant the work runs for.
     *
     * @return the tenant id, or empty for system work that belongs to no tenant
     * @since 0.1.0
     */
    public Optional<UUID> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    /**
     * The tenant, for work that cannot run without one.
     *
     * @return the tenant id
     * @throws IllegalStateException when the context has no tenant
     * @since 0.1.0
     */
    public UUID requireTenantId() {
        if (tenantId == null) {
            throw new IllegalStateException("the bound PlatformContext has no tenant (correlation id " + correlationId
                    + "): set one with PlatformContext.builder().tenantId(...) or pass the tenant explicitly");
        }
        return tenantId;
    }

    /**
     * The user on whose behalf the work runs.
     *
     * @return the user id, or empty for system work
     * @since 0.1.0
     */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /**
     * The user's roles, in the order they were given, without duplicates.
     *
     * @return an unmodifiable set, empty when there are none
     * @since 0.1.0
     */
    public Set<String> roles() {
        return roles;
    }

    /**
     * Whether the user has a role (exact, case-sensitive match).
     *
     * @param role the role name
     * @return true when {@link #roles()} contains it
     * @since 0.1.0
     */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /**
     * The id shared by everything done for one business request.
     *
     * @return the correlation id, never blank
     * @since 0.1.0
     */
    public String correlationId() {
        return correlationId;
    }

    /**
     * What directly caused this work: the id of an event, a request or a workflow run.
     *
     * @return the causation id, or empty
     * @since 0.1.0
     */
    public Optional<String> causationId() {
        return Optional.ofNullable(causationId);
    }

    /**
     * The W3C trace context of this work.
     *
     * @return the trace context, or empty
     * @since 0.1.0
     */
    public Optional<TraceParent> trace() {
        return Optional.ofNullable(trace);
    }

    /**
     * The W3C {@code tracestate} that travels with {@link #trace()}.
     *
     * @return the vendor trace state, or empty (always empty when there is no trace)
     * @since 0.1.0
     */
    public Optional<String> traceState() {
        return Optional.ofNullable(traceState);
    }

    /**
     * The causal token of the last write this work committed (platform-database's {@code CausalToken} in its
     * text form), so that a read down the line can ask for a replica at least that fresh.
     *
     * @return the token text, or empty
     * @since 0.1.0
     */
    public Optional<String> causalToken() {
        return Optional.ofNullable(causalToken);
    }

    private static Scope open(@Nullable PlatformContext next) {
        // One allocation (the scope, whose fields hold the MDC values it replaces) and no loops: binding sits on
        // every request, event delivery and activity, so it is kept within 1.5x of putting the six keys by hand
        // (BENCHMARKS.md, ContextBindBenchmark).
        MDCAdapter mdc = MDC.getMDCAdapter();
        BoundScope scope = new BoundScope(
                Thread.currentThread(),
                CURRENT.get(),
                mdc.get(MdcKeys.TENANT_ID),
                mdc.get(MdcKeys.USER_ID),
                mdc.get(MdcKeys.CORRELATION_ID),
                mdc.get(MdcKeys.CAUSATION_ID),
                mdc.get(MdcKeys.TRACE_ID),
                mdc.get(MdcKeys.SPAN_ID));
        if (next == null) {
            CURRENT.set(null); // not remove(): the next bind would allocate a new map entry
            remove(mdc, MdcKeys.TENANT_ID, scope.tenant);
            remove(mdc, MdcKeys.USER_ID, scope.user);
            remove(mdc, MdcKeys.CORRELATION_ID, scope.correlation);
            remove(mdc, MdcKeys.CAUSATION_ID, scope.causation);
            remove(mdc, MdcKeys.TRACE_ID, scope.traceId);
            remove(mdc, MdcKeys.SPAN_ID, scope.spanId);
        } else {
            CURRENT.set(next);
            writeMdc(
                    mdc,
                    next,
                    scope.tenant,
                    scope.user,
                    scope.correlation,
                    scope.causation,
                    scope.traceId,
                    scope.spanId);
        }
        return scope;
    }

    private static void writeMdc(PlatformContext c) {
        MDCAdapter mdc = MDC.getMDCAdapter();
        writeMdc(
                mdc,
                c,
                mdc.get(MdcKeys.TENANT_ID),
                mdc.get(MdcKeys.USER_ID),
                mdc.get(MdcKeys.CORRELATION_ID),
                mdc.get(MdcKeys.CAUSATION_ID),
                mdc.get(MdcKeys.TRACE_ID),
                mdc.get(MdcKeys.SPAN_ID));
    }

    /** Writes c's view, touching only the keys whose value differs from what the MDC holds now. */
    private static void writeMdc(
            MDCAdapter mdc,
            PlatformContext c,
            @Nullable String tenant,
            @Nullable String user,
            @Nullable String correlation,
            @Nullable String causation,
            @Nullable String traceId,
            @Nullable String spanId) {
        TraceParent t = c.trace;
        set(mdc, MdcKeys.TENANT_ID, tenant, c.tenantText);
        set(mdc, MdcKeys.USER_ID, user, c.userId);
        set(mdc, MdcKeys.CORRELATION_ID, correlation, c.correlationId);
        set(mdc, MdcKeys.CAUSATION_ID, causation, c.causationId);
        set(mdc, MdcKeys.TRACE_ID, traceId, t == null ? null : t.traceId());
        set(mdc, MdcKeys.SPAN_ID, spanId, t == null ? null : t.spanId());
    }

    private static void set(MDCAdapter mdc, String key, @Nullable String now, @Nullable String value) {
        if (value == null) {
            remove(mdc, key, now);
        } else if (!value.equals(now)) {
            mdc.put(key, value);
        }
    }

    private static void remove(MDCAdapter mdc, String key, @Nullable String now) {
        if (now != null) {
            mdc.remove(key);
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return this == o
                || o instanceof PlatformContext c
                        && Objects.equals(tenantId, c.tenantId)
                        && Objects.equals(userId, c.userId)
                        && roles.equals(c.roles)
                        && correlationId.equals(c.correlationId)
                        && Objects.equals(causationId, c.causationId)
                        && Objects.equals(trace, c.trace)
                        && Objects.equals(traceState, c.traceState)
                        && Objects.equals(causalToken, c.causalToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, userId, roles, correlationId, causationId, trace, traceState, causalToken);
    }

    /** @return every value (all of them validated, so safe to log) */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PlatformContext{");
        if (tenantId != null) {
            sb.append("tenantId=").append(tenantId).append(", ");
        }
        if (userId != null) {
            sb.append("userId=").append(userId).append(", ");
        }
        if (!roles.isEmpty()) {
            sb.append("roles=").append(String.join(",", roles)).append(", ");
        }
        sb.append("correlationId=").append(correlationId);
        if (causationId != null) {
            sb.append(", causationId=").append(causationId);
        }
        if (trace != null) {
            sb.append(", traceparent=").append(trace.toHeader());
        }
        if (causalToken != null) {
            sb.append(", causalToken=").append(causalToken);
        }
        return sb.append('}').toString();
    }

    /**
     * A context made current on a thread by {@link #bind()}; closing it restores what was there before.
     *
     * @since 0.1.0
     */
    public interface Scope extends AutoCloseable {
        /**
         * Restores the previous context and MDC values of this thread. Idempotent. A scope closed on another
         * thread than the one that opened it changes nothing and logs a warning (that is a bug in the caller).
         *
         * @since 0.1.0
         */
        @Override
        void close();
    }

    private static final class BoundScope implements Scope {
        private final Thread thread;
        private final @Nullable PlatformContext previous;
        // The MDC values this scope replaced, one field per MdcKeys key (no array: one allocation per bind).
        final @Nullable String tenant;
        final @Nullable String user;
        final @Nullable String correlation;
        final @Nullable String causation;
        final @Nullable String traceId;
        final @Nullable String spanId;
        private boolean closed;

        BoundScope(
                Thread thread,
                @Nullable PlatformContext previous,
                @Nullable String tenant,
                @Nullable String user,
                @Nullable String correlation,
                @Nullable String causation,
                @Nullable String traceId,
                @Nullable String spanId) {
            this.thread = thread;
            this.previous = previous;
            this.tenant = tenant;
            this.user = user;
            this.correlation = correlation;
            this.causation = causation;
            this.traceId = traceId;
            this.spanId = spanId;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != thread) {
                log.warn(
                        "A PlatformContext scope opened on thread '{}' was closed on thread '{}'; ignored (close scopes "
                                + "on the thread that opened them)",
                        thread.getName(),
                        Thread.currentThread().getName());
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.set(null); // not remove(): the next bind would allocate a new map entry
            } else {
                CURRENT.set(previous);
            }
            // Restored unconditionally: code inside the scope may have changed these keys by hand.
            MDCAdapter mdc = MDC.getMDCAdapter();
            restore(mdc, MdcKeys.SPAN_ID, spanId);
            restore(mdc, MdcKeys.TRACE_ID, traceId);
            restore(mdc, MdcKeys.CAUSATION_ID, causation);
            restore(mdc, MdcKeys.CORRELATION_ID, correlation);
            restore(mdc, MdcKeys.USER_ID, user);
            restore(mdc, MdcKeys.TENANT_ID, tenant);
        }

        private static void restore(MDCAdapter mdc, String key, @Nullable String value) {
            if (value == null) {
                mdc.remove(key);
            } else {
                mdc.put(key, value);
            }
        }
    }

    /**
     * Builds a {@link PlatformContext}. Every setter validates its value at once and throws
     * {@link InvalidContextException} naming the field, so a carrier (HTTP headers, event attributes, Temporal
     * headers) knows which input was bad. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable UUID tenantId;
        private @Nullable String userId;
        private final List<String> roles = new ArrayList<>();
        private @Nullable String correlationId;
        private @Nullable String causationId;
        private @Nullable TraceParent trace;
        private @Nullable String traceState;
        private @Nullable String causalToken;

        private Builder() {}

        /**
         * Sets the tenant.
         *
         * @param tenantId the tenant, or null for none; the nil UUID is refused
         * @return this builder
         * @throws InvalidContextException for the nil UUID
         * @since 0.1.0
         */
        public Builder tenantId(@Nullable UUID tenantId) {
            this.tenantId = tenantId == null ? null : ContextValues.tenant(tenantId);
            return this;
        }

        /**
         * Sets the tenant from its text form, which must be a canonical UUID (36 characters, hex digits in
         * groups 8-4-4-4-12, any case); {@link UUID#fromString} alone would also accept forms like
         * {@code 1-1-1-1-1}, which this refuses.
         *
         * @param tenantId the tenant id text, or null for none
         * @return this builder
         * @throws InvalidContextException when it is not a canonical UUID, or is the nil UUID
         * @since 0.1.0
         */
        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = tenantId == null ? null : ContextValues.tenant(tenantId);
            return this;
        }

        /**
         * Sets the user.
         *
         * @param userId 1 to 256 characters of {@code A-Z a-z 0-9 . _ : @ | + = -}, or null for none
         * @return this builder
         * @throws InvalidContextException when it has other characters or is too long
         * @since 0.1.0
         */
        public Builder userId(@Nullable String userId) {
            this.userId = userId == null ? null : ContextValues.userId(userId);
            return this;
        }

        /**
         * Replaces the roles.
         *
         * @param roles at most 64 roles, each 1 to 128 characters of {@code A-Z a-z 0-9 . _ : / -}; duplicates
         *     are dropped
         * @return this builder
         * @throws InvalidContextException for a malformed role or too many
         * @since 0.1.0
         */
        public Builder roles(Collection<String> roles) {
            Objects.requireNonNull(roles, "roles");
            List<String> checked = new ArrayList<>(roles.size());
            for (String role : roles) {
                checked.add(ContextValues.role(Objects.requireNonNull(role, "role")));
            }
            ContextValues.checkRoleCount(new LinkedHashSet<>(checked).size());
            this.roles.clear();
            this.roles.addAll(checked);
            return this;
        }

        /**
         * Replaces the roles.
         *
         * @param roles the roles (see {@link #roles(Collection)})
         * @return this builder
         * @throws InvalidContextException for a malformed role or too many
         * @since 0.1.0
         */
        public Builder roles(String... roles) {
            return roles(List.of(roles));
        }

        /**
         * Sets the correlation id; {@link #build()} draws a random UUID when none is set.
         *
         * @param correlationId 1 to 128 characters of {@code A-Z a-z 0-9 . _ : + / = -}, or null for a new one
         * @return this builder
         * @throws InvalidContextException when it has other characters or is too long
         * @since 0.1.0
         */
        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = correlationId == null ? null : ContextValues.correlationId(correlationId);
            return this;
        }

        /**
         * Sets what directly caused this work.
         *
         * @param causationId 1 to 512 characters of {@code A-Z a-z 0-9 . _ : + / = @ | ~ -}, or null for none
         * @return this builder
         * @throws InvalidContextException when it has other characters or is too long
         * @since 0.1.0
         */
        public Builder causationId(@Nullable String causationId) {
            this.causationId = causationId == null ? null : ContextValues.causationId(causationId);
            return this;
        }

        /**
         * Sets the trace context (and drops the trace state when {@code trace} is null).
         *
         * @param trace the trace context, or null for none
         * @return this builder
         * @since 0.1.0
         */
        public Builder trace(@Nullable TraceParent trace) {
            this.trace = trace;
            if (trace == null) {
                this.traceState = null;
            }
            return this;
        }

        /**
         * Sets the W3C {@code tracestate}; it is kept only together with a {@link #trace(TraceParent) trace}.
         *
         * @param traceState at most 512 printable ASCII characters, or null for none
         * @return this builder
         * @throws InvalidContextException when it is too long or has control or non-ASCII characters
         * @since 0.1.0
         */
        public Builder traceState(@Nullable String traceState) {
            this.traceState = traceState == null || traceState.isEmpty() ? null : ContextValues.traceState(traceState);
            return this;
        }

        /**
         * Sets the causal token of the last committed write.
         *
         * @param causalToken 1 to 128 characters of {@code A-Z a-z 0-9 . _ : / -}, or null for none
         * @return this builder
         * @throws InvalidContextException when it has other characters or is too long
         * @since 0.1.0
         */
        public Builder causalToken(@Nullable String causalToken) {
            this.causalToken = causalToken == null ? null : ContextValues.causalToken(causalToken);
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context; with a random UUID as correlation id when none was set
         * @since 0.1.0
         */
        public PlatformContext build() {
            return new PlatformContext(
                    this, correlationId == null ? UUID.randomUUID().toString() : correlationId);
        }
    }
}
