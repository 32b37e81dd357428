package dev.adxcore.platform.events;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer wants: its id, the event types it handles, optionally one tenant, its handler, how
 * failures are retried and where dead letters are reported.
 *
 * <p><b>The id is the consumer group.</b> Every subscription id receives every matching event;
 * consumers (in one process or many) that subscribe with the same id share the load, each event going to
 * one of them.
 *
 * <p><b>Type patterns:</b> an exact type ({@code user.created}), a prefix wildcard that matches one or
 * more further segments ({@code user.*} matches {@code user.created} and {@code user.email.changed} but not
 * {@code user}), or {@code *} for every type.
 *
 * <pre>{@code
 * EventSubscription sub = EventSubscription.builder("welcome-mailer", event -> mailer.send(event))
 *         .types("user.created")
 *         .retryPolicy(RetryPolicy.defaults())
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; cheap to build: {@code build()} validates every field (no I/O). It is only a
 * description: the consumer, with its threads, exists once it is passed to {@code subscribe}.
 *
 * @since 0.1.0
 */
public final class EventSubscription {

    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern TYPE_PATTERN = Pattern.compile("\\*|[a-z0-9_-]+(\\.[a-z0-9_-]+)*(\\.\\*)?");
    private static final DeadLetterHandler LOGGING = dl -> log.warn(
            "Dead letter in subscription {}: event {} of type {} failed {} time(s): {}: {}",
            dl.subscriptionId(),
            dl.event().id(),
            dl.event().type(),
            dl.attempts(),
            dl.errorClass(),
            dl.errorMessage());

    private final String id;
    private final Set<String> types;
    private final java.util.@Nullable UUID tenantId;
    private final EventHandler handler;
    private final RetryPolicy retryPolicy;
    private final DeadLetterHandler deadLetterHandler;
    private final Duration handlerTimeout;
    private final int concurrency;

    private EventSubscription(Builder b) {
        this.id = b.id;
        this.types = Set.copyOf(b.types.isEmpty() ? Set.of("*") : b.types);
        this.tenantId = b.tenantId;
        this.handler = b.handler;
        this.retryPolicy = b.retryPolicy;
        this.deadLetterHandler = b.deadLetterHandler;
        this.handlerTimeout = b.handlerTimeout;
        this.concurrency = b.concurrency;
    }

    /**
     * Starts describing a subscription.
     *
     * @param id the consumer group id: letters, digits, {@code . _ -}, at most 100 characters
     * @param handler the code that handles each event
     * @return a new builder
     * @throws IllegalArgumentException for a bad id
     */
    public static Builder builder(String id, EventHandler handler) {
        return new Builder(id, handler);
    }

    /**
     * Whether an event type matches a pattern, by the rules in the class description.
     *
     * @param pattern an exact type, {@code prefix.*} or {@code *}
     * @param type an event type
     * @return true when the pattern matches
     */
    public static boolean typeMatches(String pattern, String type) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1); // keeps the dot
            return type.length() > prefix.length() && type.startsWith(prefix);
        }
        return pattern.equals(type);
    }

    /**
     * Whether this subscription wants the event: a type pattern matches and, if a tenant filter is
     * set, the event belongs to that tenant.
     *
     * @param event the event
     * @return true when the event should be delivered to this subscription
     */
    public boolean matches(Event event) {
        if (tenantId != null && !tenantId.equals(event.tenantId().orElse(null))) {
            return false;
        }
        for (String pattern : types) {
            if (typeMatches(pattern, event.type())) {
                return true;
            }
        }
        return false;
    }

    /** @return the subscription id (consumer group) */
    public String id() {
        return id;
    }

    /** @return the type patterns, never empty ({@code *} when none was given) */
    public Set<String> types() {
        return types;
    }

    /** @return the tenant filter, if any */
    public Optional<java.util.UUID> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    /** @return the handler */
    public EventHandler handler() {
        return handler;
    }

    /** @return the retry policy */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** @return the dead-letter handler; by default one that logs at WARN */
    public DeadLetterHandler deadLetterHandler() {
        return deadLetterHandler;
    }

    /** @return how long one handler call may run before it counts as failed */
    public Duration handlerTimeout() {
        return handlerTimeout;
    }

    /** @return how many handler calls of this consumer may run at once (events of one aggregate never run concurrently) */
    public int concurrency() {
        return concurrency;
    }

    @Override
    public String toString() {
        return "EventSubscription{id=" + id + ", types=" + types + (tenantId == null ? "" : ", tenantId=" + tenantId)
                + ", retryPolicy=" + retryPolicy + ", handlerTimeout=" + handlerTimeout + ", concurrency=" + concurrency
                + '}';
    }

    /** Builds an {@link EventSubscription}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final EventHandler handler;
        private final Set<String> types = new LinkedHashSet<>();
        private java.util.@Nullable UUID tenantId;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private DeadLetterHandler deadLetterHandler = LOGGING;
        private Duration handlerTimeout = Duration.ofSeconds(30);
        private int concurrency = 1;

        private Builder(String id, EventHandler handler) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "subscription id must match [A-Za-z0-9._-]{1,100} (was '" + id + "')");
            }
            this.id = id;
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * Adds type patterns; none means every type.
         *
         * @param patterns exact types, {@code prefix.*} or {@code *}
         * @return this builder
         * @throws IllegalArgumentException for a malformed pattern
         */
        public Builder types(String... patterns) {
            for (String p : patterns) {
                if (p == null || !TYPE_PATTERN.matcher(p).matches()) {
                    throw new IllegalArgumentException(
                            "type pattern must be an exact type, 'prefix.*' or '*' (was '" + p + "')");
                }
                types.add(p);
            }
            return this;
        }

        /**
         * @param tenantId deliver only this tenant's events, or null for all tenants
         * @return this builder
         */
        public Builder tenantId(java.util.@Nullable UUID tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /**
         * @param tenantId deliver only this tenant's events (a canonical UUID text, any case), or null for all
         * @return this builder
         * @throws IllegalArgumentException when it is not a canonical, non-nil UUID
         */
        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = tenantId == null ? null : dev.adxcore.platform.core.PlatformContext.parseTenantId(tenantId);
            return this;
        }

        /**
         * @param retryPolicy how failures are retried
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * @param deadLetterHandler told about events the subscription gives up on
         * @return this builder
         */
        public Builder deadLetterHandler(DeadLetterHandler deadLetterHandler) {
            this.deadLetterHandler = Objects.requireNonNull(deadLetterHandler, "deadLetterHandler");
            return this;
        }

        /**
         * @param handlerTimeout how long one handler call may run, positive (default 30 s)
         * @return this builder
         */
        public Builder handlerTimeout(Duration handlerTimeout) {
            Objects.requireNonNull(handlerTimeout, "handlerTimeout");
            if (handlerTimeout.isZero() || handlerTimeout.isNegative()) {
                throw new IllegalArgumentException("handlerTimeout must be positive (was " + handlerTimeout + ")");
            }
            this.handlerTimeout = handlerTimeout;
            return this;
        }

        /**
         * @param concurrency handler calls that may run at once for this consumer, 1 to 256 (default 1)
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be between 1 and 256 (was " + concurrency + ")");
            }
            this.concurrency = concurrency;
            return this;
        }

        /** @return the subscription */
        public EventSubscription build() {
            return new EventSubscription(this);
        }
    }
}
