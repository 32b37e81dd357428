package dev.adxcore.platform.observability.logging;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * A scope that puts request context into the SLF4J MDC and restores the previous values on close.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.builder()
 *         .tenantId(tenant).userId(user).correlationId(correlation).traceId(trace)
 *         .open()) {
 *     log.info("handling request");   // carries tenant_id, user_id, correlation_id, trace_id
 * }
 * }</pre>
 *
 * <p>Scopes nest: an inner scope overrides only the keys it sets, and closing it restores exactly the
 * values (or absences) that were there when it opened, so a pooled thread never keeps a previous
 * request's values once the outermost scope is closed. A scope must be closed on the thread that opened
 * it; it is not thread-safe and is meant for try-with-resources.
 *
 * <p>The MDC keys are the constants of this class and are shared by every platform jar (the Temporal
 * context propagator, the gateway's access log, ...).
 *
 * @since 0.1.0
 */
public final class LogContext implements AutoCloseable {

    /** MDC key of the tenant id. */
    public static final String TENANT_ID = "tenant_id";
    /** MDC key of the user id. */
    public static final String USER_ID = "user_id";
    /** MDC key of the correlation id. */
    public static final String CORRELATION_ID = "correlation_id";
    /** MDC key of the W3C trace id (32 lowercase hex characters). */
    public static final String TRACE_ID = "trace_id";
    /** MDC key of the W3C span id (16 lowercase hex characters), set by {@link Builder#traceContext}. */
    public static final String SPAN_ID = "span_id";

    private final String[] keys;
    private final @Nullable String[] previous;
    private final int size;
    private boolean closed;

    private LogContext(String[] keys, String[] values, int size) {
        this.keys = keys;
        this.size = size;
        this.previous = new String[size];
        for (int i = 0; i < size; i++) {
            previous[i] = MDC.get(keys[i]);
            MDC.put(keys[i], values[i]);
        }
    }

    /**
     * Wraps a task so that it runs with the MDC of the thread calling this method (captured now), and
     * leaves the executing thread's MDC exactly as it found it. Use it when handing request work to a pool.
     *
     * @param task the task
     * @return a task that carries the current MDC
     */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            setContext(captured);
            try {
                task.run();
            } finally {
                setContext(before);
            }
        };
    }

    /**
     * Like {@link #wrap(Runnable)} for a task with a result.
     *
     * @param task the task
     * @param <T> the task's result type
     * @return a task that carries the current MDC
     */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            setContext(captured);
            try {
                return task.call();
            } finally {
                setContext(before);
            }
        };
    }

    private static void setContext(@Nullable Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    /**
     * Starts describing a scope.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Restores every key this scope set to the value it had when the scope opened (removing keys that
     * were absent). Closing twice has no further effect.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = size - 1; i >= 0; i--) {
            String old = previous[i];
            if (old == null) {
                MDC.remove(keys[i]);
            } else {
                MDC.put(keys[i], old);
            }
        }
    }

    /**
     * Builds a {@link LogContext}. Values that are {@code null} are not set (the outer value, if any,
     * stays visible). Not thread-safe.
     */
    public static final class Builder {
        private String[] keys = new String[4];
        private String[] values = new String[4];
        private int size;

        private Builder() {
        }

        /**
         * @param tenantId the tenant id, or null to leave it unset
         * @return this builder
         */
        public Builder tenantId(@Nullable Object tenantId) {
            return put(TENANT_ID, tenantId);
        }

        /**
         * @param userId the user id, or null to leave it unset
         * @return this builder
         */
        public Builder userId(@Nullable Object userId) {
            return put(USER_ID, userId);
        }

        /**
         * @param correlationId the correlation id, or null to leave it unset
         * @return this builder
         */
        public Builder correlationId(@Nullable String correlationId) {
            return put(CORRELATION_ID, correlationId);
        }

        /**
         * @param traceId the trace id, or null to leave it unset
         * @return this builder
         */
        public Builder traceId(@Nullable String traceId) {
            return put(TRACE_ID, traceId);
        }

        /**
         * Sets {@code trace_id} and {@code span_id} from a W3C trace context.
         *
         * @param trace the context, or null to leave both unset
         * @return this builder
         */
        public Builder traceContext(@Nullable TraceContext trace) {
            if (trace != null) {
                put(TRACE_ID, trace.traceId());
                put(SPAN_ID, trace.spanId());
            }
            return this;
        }

        /**
         * Adds another MDC entry (setting a key twice keeps the last value).
         *
         * @param key the MDC key (non-blank)
         * @param value the value, or null to leave it unset
         * @return this builder
         */
        public Builder put(String key, @Nullable Object value) {
            Objects.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("MDC key must not be blank");
            }
            if (value == null) {
                return this;
            }
            String text = value.toString();
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    values[i] = text;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = text;
            size++;
            return this;
        }

        /**
         * Applies the values to the current thread's MDC.
         *
         * @return the open scope; close it (try-with-resources) on this thread
         */
        public LogContext open() {
            return new LogContext(Arrays.copyOf(keys, size), values, size);
        }
    }
}
