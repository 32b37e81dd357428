package dev.adxcore.platform.temporal;

import dev.adxcore.platform.temporal.internal.CurrentContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who a workflow runs for and how its work is traced: tenant id, optional user id, correlation id and
 * trace id.
 *
 * <p>The context travels in Temporal headers (never in workflow arguments) from the client that starts
 * a workflow into the workflow, its child workflows and every activity, through the platform's
 * {@code ContextPropagator}. While workflow or activity code runs, {@link #current()} returns it and the
 * SLF4J MDC holds it under the keys of platform-observability's {@code LogContext}
 * ({@code tenant_id}, {@code user_id}, {@code correlation_id}, {@code trace_id}); the keys are removed
 * when the task ends.
 *
 * <p>Immutable and thread-safe. Build it on the client side (in the request that starts the work):
 * the builder draws random ids for an absent correlation or trace id, which must never happen inside
 * workflow code.
 *
 * @since 0.1.0
 */
public final class WorkflowContext {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_LENGTH = 200;

    private final String tenantId;
    private final @Nullable String userId;
    private final String correlationId;
    private final String traceId;

    private WorkflowContext(String tenantId, @Nullable String userId, String correlationId, String traceId) {
        this.tenantId = tenantId;
        this.userId = userId;
        this.correlationId = correlationId;
        this.traceId = traceId;
    }

    /**
     * Starts a context for the given tenant.
     *
     * @param tenantId the tenant the work runs for; not blank, at most 200 characters
     * @return a builder; {@link Builder#build()} validates
     * @since 0.1.0
     */
    public static Builder builder(String tenantId) {
        return new Builder(tenantId);
    }

    /**
     * The context of the workflow or activity code running on this thread, or the one bound with
     * {@link #bind()} on a client thread.
     *
     * @return the current context, empty outside workflow/activity code started with a context
     * @since 0.1.0
     */
    public static Optional<WorkflowContext> current() {
        return Optional.ofNullable(CurrentContext.get());
    }

    /**
     * Makes this context current on the calling (non-workflow) thread until the returned scope is
     * closed, so that workflows started from this thread through any platform-configured
     * {@code WorkflowClient} carry it in their headers. The previous context and MDC values are restored
     * on close.
     *
     * @return the scope to close, typically in try-with-resources
     * @since 0.1.0
     */
    public Scope bind() {
        return CurrentContext.bind(this);
    }

    /**
     * The tenant the work runs for.
     *
     * @return the tenant id, never blank
     * @since 0.1.0
     */
    public String tenantId() {
        return tenantId;
    }

    /**
     * The user on whose behalf the work runs, when there is one (system work has none).
     *
     * @return the user id, or empty
     * @since 0.1.0
     */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /**
     * The id shared by everything done for one business request; copied into every event.
     *
     * @return the correlation id, never blank
     * @since 0.1.0
     */
    public String correlationId() {
        return correlationId;
    }

    /**
     * The distributed trace id of the request that started the work.
     *
     * @return the trace id, never blank
     * @since 0.1.0
     */
    public String traceId() {
        return traceId;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof WorkflowContext c && tenantId.equals(c.tenantId)
                && Objects.equals(userId, c.userId) && correlationId.equals(c.correlationId)
                && traceId.equals(c.traceId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, userId, correlationId, traceId);
    }

    @Override
    public String toString() {
        return "WorkflowContext{tenantId=" + tenantId + (userId == null ? "" : ", userId=" + userId)
                + ", correlationId=" + correlationId + ", traceId=" + traceId + '}';
    }

    /**
     * A context made current on a thread by {@link #bind()}; closing it restores what was there before.
     *
     * @since 0.1.0
     */
    public interface Scope extends AutoCloseable {
        /**
         * Restores the previous context and MDC values of this thread. Idempotent.
         *
         * @since 0.1.0
         */
        @Override
        void close();
    }

    /**
     * Builds a {@link WorkflowContext}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String tenantId;
        private @Nullable String userId;
        private @Nullable String correlationId;
        private @Nullable String traceId;

        private Builder(String tenantId) {
            this.tenantId = tenantId;
        }

        /**
         * Sets the user id.
         *
         * @param userId the user, or {@code null} for system work
         * @return this builder
         * @since 0.1.0
         */
        public Builder userId(@Nullable String userId) {
            this.userId = userId;
            return this;
        }

        /**
         * Sets the correlation id; a random UUID is used when none is set.
         *
         * @param correlationId the correlation id of the business request
         * @return this builder
         * @since 0.1.0
         */
        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /**
         * Sets the trace id; a random 32-hex-digit id is used when none is set.
         *
         * @param traceId the trace id of the request
         * @return this builder
         * @since 0.1.0
         */
        public Builder traceId(@Nullable String traceId) {
            this.traceId = traceId;
            return this;
        }

        /**
         * Validates and builds the context.
         *
         * @return the context
         * @throws IllegalArgumentException when an id is blank, longer than 200 characters or contains
         *     control characters or unpaired surrogate characters (which UTF-8 headers cannot carry); the
         *     message names the field
         * @since 0.1.0
         */
        public WorkflowContext build() {
            String correlation = correlationId == null ? UUID.randomUUID().toString() : correlationId;
            String trace = traceId == null ? randomTraceId() : traceId;
            return new WorkflowContext(require("tenantId", tenantId),
                    userId == null ? null : require("userId", userId),
                    require("correlationId", correlation), require("traceId", trace));
        }

        private static String randomTraceId() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }

        private static String require(String name, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank (was '" + value + "')");
            }
            if (value.length() > MAX_LENGTH) {
                throw new IllegalArgumentException(name + " must be at most " + MAX_LENGTH + " characters (was "
                        + value.length() + ")");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new IllegalArgumentException(name + " must not contain control characters");
                }
            }
            int unpaired = unpairedSurrogate(value);
            if (unpaired >= 0) {
                // UTF-8 (headers, workflow ids) cannot carry it: it would arrive as '?', a different id.
                throw new IllegalArgumentException(name + " must not contain unpaired surrogate characters (at index "
                        + unpaired + ")");
            }
            return value;
        }
    }

    /**
     * The index of the first UTF-16 surrogate in {@code value} that is not part of a valid pair, or -1.
     * Such a string has no UTF-8 encoding; protobuf and {@code String.getBytes(UTF_8)} replace the
     * character with {@code '?'}.
     */
    static int unpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
