package dev.adxcore.platform.events;

import dev.adxcore.platform.core.InvalidContextException;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An immutable event envelope, compatible with CloudEvents 1.0.
 *
 * <p>The CloudEvents context attributes are {@link #id()}, {@link #source()}, {@link #type()},
 * {@link #time()}, {@link #subject()} and the data content type (always {@code application/json}).
 * Platform metadata travels as CloudEvents extension attributes, named by the spec's rules (lowercase
 * letters and digits): {@code tenantid}, {@code correlationid}, {@code causationid}, {@code userid},
 * {@code aggregateid}, {@code aggregatetype}, {@code sourceservice} and {@code eventversion}. Other
 * extensions are kept in {@link #extensions()} and survive a round trip through
 * {@link CloudEventJson}. The trace travels as the CloudEvents distributed-tracing extension
 * ({@value #TRACEPARENT}, {@value #TRACESTATE}) and the causal token of the write that caused the event as
 * {@value #CAUSAL_TOKEN}.
 *
 * <h2>The request context</h2>
 * An event carries platform-core's {@link PlatformContext}: {@link Builder#build()} fills the tenant, user,
 * correlation id, causation id, trace and causal token from the context bound on the building thread, for
 * every one of them not set explicitly ({@link Builder#withoutContext()} turns that off, for system events
 * built inside a request). Every bus runs each handler with {@link #context()} bound: the event's tenant,
 * user, correlation id and causal token, this event's id as causation id and a child of its trace, so that
 * the handler's own events and writes carry the flow on. The values follow platform-core's rules (a tenant is
 * a canonical UUID, ids use a safe character set), so an event from a foreign producer that breaks them is
 * refused as malformed ({@link InvalidEventException}). Roles are not carried: an event states a fact, and
 * its consumers do not act with the producer's privileges.
 *
 * <pre>{@code
 * try (PlatformContext.Scope ignored = requestContext.bind()) {
 *     Event created = Event.builder("user.created")          // tenant, user, correlation, trace: from the context
 *             .source(URI.create("/tenant-service"))
 *             .aggregate("user", userId.toString())
 *             .data("{\"email\":\"a@example.com\"}")
 *             .build();
 * }
 * Event welcomed = Event.builder("user.welcomed").causedBy(created).data("{}").build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. {@link #data()} holds the JSON payload as text exactly as
 * given; the builder checks that it is well-formed JSON.
 *
 * @since 0.1.0
 */
public final class Event {

    /** Event types: lowercase letters, digits, dots, underscores and dashes, 1 to 200 characters. */
    static final Pattern TYPE = Pattern.compile("[a-z0-9._-]{1,200}");
    /** CloudEvents extension names: lowercase letters and digits, 1 to 20 characters (spec recommendation). */
    static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    /** Attribute names that cannot be used as extensions. */
    static final Set<String> RESERVED = Set.of(
            "id",
            "source",
            "specversion",
            "type",
            "datacontenttype",
            "subject",
            "time",
            "data",
            "data_base64",
            "tenantid",
            "correlationid",
            "causationid",
            "userid",
            "aggregateid",
            "aggregatetype",
            "sourceservice",
            "eventversion");

    /** The extension attribute that carries the W3C trace context (CloudEvents distributed tracing). */
    public static final String TRACEPARENT = "traceparent";
    /** The extension attribute that carries the W3C trace state. */
    public static final String TRACESTATE = "tracestate";
    /** The extension attribute that carries the causal token of the write that caused the event. */
    public static final String CAUSAL_TOKEN = "causaltoken";

    private static final URI DEFAULT_SOURCE = URI.create("/unknown");

    private final String id;
    private final String type;
    private final URI source;
    private final Instant time;
    private final @Nullable String subject;
    private final @Nullable UUID tenantId;
    private final @Nullable String aggregateId;
    private final @Nullable String aggregateType;
    private final String correlationId;
    private final @Nullable String causationId;
    private final @Nullable String userId;
    private final @Nullable String sourceService;
    private final int version;
    private final String data;
    private final Map<String, Object> extensions;
    private final PlatformContext handlerContext;

    private Event(Builder b, String data, String id, String correlationId, PlatformContext handlerContext) {
        this.id = id;
        this.type = b.type;
        this.source = b.source == null ? DEFAULT_SOURCE : b.source;
        this.time = b.time == null ? Instant.now() : b.time;
        this.subject = b.subject;
        this.tenantId = b.tenantId;
        this.aggregateId = b.aggregateId;
        this.aggregateType = b.aggregateType;
        this.correlationId = correlationId;
        this.causationId = b.causationId;
        this.userId = b.userId;
        this.sourceService = b.sourceService;
        this.version = b.version;
        this.data = data;
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
        this.handlerContext = handlerContext;
    }

    /**
     * Starts building an event of the given type.
     *
     * @param type the event type, lowercase {@code [a-z0-9._-]}, for example {@code "user.created"}
     * @return a new builder
     * @throws InvalidEventException if the type is blank or has other characters
     */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /**
     * Returns a builder initialised with every attribute of this event, to derive a modified copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.id = id;
        b.source = source;
        b.time = time;
        b.subject = subject;
        b.tenantId = tenantId;
        b.aggregateId = aggregateId;
        b.aggregateType = aggregateType;
        b.correlationId = correlationId;
        b.causationId = causationId;
        b.userId = userId;
        b.sourceService = sourceService;
        b.version = version;
        b.data = data;
        b.extensions.putAll(extensions);
        return b;
    }

    /** @return the unique event id (CloudEvents {@code id}); a random UUID unless set */
    public String id() {
        return id;
    }

    /** @return the event type (CloudEvents {@code type}), for example {@code user.created} */
    public String type() {
        return type;
    }

    /** @return the producer (CloudEvents {@code source}), a URI reference such as {@code /tenant-service} */
    public URI source() {
        return source;
    }

    /** @return when the event happened (CloudEvents {@code time}) */
    public Instant time() {
        return time;
    }

    /** @return the CloudEvents {@code subject}, if any */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** @return the tenant the event belongs to ({@code tenantid}); empty for system events */
    public Optional<UUID> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    /**
     * The request context a handler of this event runs with (every bus binds it around each delivery attempt):
     * the event's tenant, user, correlation id and causal token, this event's id as causation id, and a child
     * of the event's trace (a new trace when the event carries none).
     *
     * @return the context, computed once when the event was built
     * @since 0.1.0
     */
    public PlatformContext context() {
        return handlerContext;
    }

    /**
     * The trace context the event was produced in ({@value #TRACEPARENT}).
     *
     * @return the trace, or empty
     * @since 0.1.0
     */
    public Optional<TraceParent> trace() {
        Object v = extensions.get(TRACEPARENT);
        return v == null ? Optional.empty() : TraceParent.parse(v.toString());
    }

    /**
     * The causal token of the write that caused the event ({@value #CAUSAL_TOKEN}), for a read at least that
     * fresh.
     *
     * @return the token text, or empty
     * @since 0.1.0
     */
    public Optional<String> causalToken() {
        Object v = extensions.get(CAUSAL_TOKEN);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /** @return the id of the aggregate the event is about ({@code aggregateid}); events of one aggregate are delivered in order */
    public Optional<String> aggregateId() {
        return Optional.ofNullable(aggregateId);
    }

    /** @return the aggregate's type ({@code aggregatetype}), for example {@code user} */
    public Optional<String> aggregateType() {
        return Optional.ofNullable(aggregateType);
    }

    /** @return the correlation id ({@code correlationid}); the event's own id for the first event of a flow */
    public String correlationId() {
        return correlationId;
    }

    /** @return the id of the event that caused this one ({@code causationid}) */
    public Optional<String> causationId() {
        return Optional.ofNullable(causationId);
    }

    /** @return the user on whose behalf the event was produced ({@code userid}) */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /** @return the producing service's name ({@code sourceservice}) */
    public Optional<String> sourceService() {
        return Optional.ofNullable(sourceService);
    }

    /** @return the version of the event's data schema ({@code eventversion}), 1 unless set */
    public int version() {
        return version;
    }

    /** @return the JSON payload as text, exactly as given; {@code "null"} when the event has no data */
    public String data() {
        return data;
    }

    /** @return other CloudEvents extension attributes (values are String, Number or Boolean), unmodifiable */
    public Map<String, Object> extensions() {
        return extensions;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event e)) {
            return false;
        }
        return version == e.version
                && id.equals(e.id)
                && type.equals(e.type)
                && source.equals(e.source)
                && time.equals(e.time)
                && Objects.equals(subject, e.subject)
                && Objects.equals(tenantId, e.tenantId)
                && Objects.equals(aggregateId, e.aggregateId)
                && Objects.equals(aggregateType, e.aggregateType)
                && correlationId.equals(e.correlationId)
                && Objects.equals(causationId, e.causationId)
                && Objects.equals(userId, e.userId)
                && Objects.equals(sourceService, e.sourceService)
                && data.equals(e.data)
                && extensions.equals(e.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, time);
    }

    /** Shows the envelope, never the data (it may hold personal data). */
    @Override
    public String toString() {
        return "Event{id=" + id + ", type=" + type + ", source=" + source + ", time=" + time
                + (tenantId == null ? "" : ", tenantId=" + tenantId)
                + (aggregateId == null ? "" : ", aggregate=" + aggregateType + '/' + aggregateId)
                + ", correlationId=" + correlationId
                + (causationId == null ? "" : ", causationId=" + causationId) + '}';
    }

    /**
     * Builds an {@link Event}. Not thread-safe. {@link #build()} fills what was not set: a random UUID
     * id, the current time, {@code /unknown} as source, the id as correlation id, version 1 and
     * {@code null} data.
     */
    public static final class Builder {
        private final String type;
        private @Nullable String id;
        private @Nullable URI source;
        private @Nullable Instant time;
        private @Nullable String subject;
        private @Nullable UUID tenantId;
        private @Nullable String aggregateId;
        private @Nullable String aggregateType;
        private @Nullable String correlationId;
        private @Nullable String causationId;
        private @Nullable String userId;
        private @Nullable String sourceService;
        private int version = 1;
        private @Nullable String data;
        private boolean dataChecked; // data came out of a JSON parser that already read it as one value
        private final Map<String, Object> extensions = new LinkedHashMap<>();
        private boolean fromContext = true;

        private Builder(String type) {
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new InvalidEventException("event type must match [a-z0-9._-]{1,200} (was '" + type + "')");
            }
            this.type = type;
        }

        /**
         * @param id the event id (non-blank); set it only when re-creating an existing event
         * @return this builder
         */
        public Builder id(String id) {
            this.id = requireText("id", id);
            return this;
        }

        /**
         * @param source the producer, a URI reference such as {@code /tenant-service}
         * @return this builder
         */
        public Builder source(URI source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param time when the event happened
         * @return this builder
         */
        public Builder time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * @param subject the CloudEvents subject, or null for none
         * @return this builder
         */
        public Builder subject(@Nullable String subject) {
            this.subject = subject;
            return this;
        }

        /**
         * @param tenantId the tenant, or null for a system event
         * @return this builder
         * @throws InvalidEventException for the nil UUID
         */
        public Builder tenantId(@Nullable UUID tenantId) {
            this.tenantId = tenantId == null ? null : tenant(tenantId.toString());
            return this;
        }

        /**
         * @param tenantId the tenant as a canonical UUID text (any case), or null for a system event
         * @return this builder
         * @throws InvalidEventException when it is not a canonical, non-nil UUID
         */
        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = tenantId == null ? null : tenant(tenantId);
            return this;
        }

        /**
         * Copies the context's tenant, user, correlation id, causation id, trace and causal token into the event
         * (what {@link #build()} does with the bound context for the values not set).
         *
         * @param context the request context
         * @return this builder
         * @since 0.1.0
         */
        public Builder context(PlatformContext context) {
            Objects.requireNonNull(context, "context");
            this.tenantId = context.tenantId().orElse(null);
            this.userId = context.userId().orElse(null);
            this.correlationId = context.correlationId();
            this.causationId = context.causationId().orElse(null);
            context.trace()
                    .ifPresentOrElse(
                            t -> extensions.put(TRACEPARENT, t.toHeader()), () -> extensions.remove(TRACEPARENT));
            context.traceState()
                    .ifPresentOrElse(t -> extensions.put(TRACESTATE, t), () -> extensions.remove(TRACESTATE));
            context.causalToken()
                    .ifPresentOrElse(t -> extensions.put(CAUSAL_TOKEN, t), () -> extensions.remove(CAUSAL_TOKEN));
            return this;
        }

        /**
         * Does not fill anything from the bound {@link PlatformContext}: for a system event built while a request's
         * context is bound.
         *
         * @return this builder
         * @since 0.1.0
         */
        public Builder withoutContext() {
            this.fromContext = false;
            return this;
        }

        /**
         * @param aggregateType the aggregate's type, for example {@code user}
         * @param aggregateId the aggregate's id; events with the same id are delivered in order
         * @return this builder
         */
        public Builder aggregate(String aggregateType, String aggregateId) {
            this.aggregateType = requireText("aggregateType", aggregateType);
            this.aggregateId = requireText("aggregateId", aggregateId);
            return this;
        }

        /**
         * @param correlationId the correlation id of the flow this event belongs to
         * @return this builder
         */
        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = correlationId == null ? null : requireText("correlationId", correlationId);
            return this;
        }

        /**
         * @param causationId the id of the event (or command) that caused this one
         * @return this builder
         */
        public Builder causationId(@Nullable String causationId) {
            this.causationId = causationId == null ? null : requireText("causationId", causationId);
            return this;
        }

        /**
         * @param userId the user on whose behalf the event is produced
         * @return this builder
         */
        public Builder userId(@Nullable String userId) {
            this.userId = userId == null ? null : requireText("userId", userId);
            return this;
        }

        /**
         * @param sourceService the producing service's name
         * @return this builder
         */
        public Builder sourceService(@Nullable String sourceService) {
            this.sourceService = sourceService == null ? null : requireText("sourceService", sourceService);
            return this;
        }

        /**
         * @param version the version of the data schema, at least 1
         * @return this builder
         */
        public Builder version(int version) {
            if (version < 1) {
                throw new InvalidEventException("version must be >= 1 (was " + version + ")");
            }
            this.version = version;
            return this;
        }

        /**
         * Derives correlation and causation from the event that caused this one: the correlation id is
         * the parent's, the causation id is the parent's id, and tenant and user are inherited unless
         * already set.
         *
         * @param parent the causing event
         * @return this builder
         */
        public Builder causedBy(Event parent) {
            Objects.requireNonNull(parent, "parent");
            this.correlationId = parent.correlationId();
            this.causationId = parent.id();
            if (tenantId == null) {
                tenantId = parent.tenantId;
            }
            if (userId == null) {
                userId = parent.userId;
            }
            return this;
        }

        /**
         * @param json the payload as JSON text; checked to be well-formed by {@link #build()}
         * @return this builder
         */
        public Builder data(String json) {
            this.data = Objects.requireNonNull(json, "json");
            this.dataChecked = false;
            return this;
        }

        /** Data that a JSON parser has just read as one complete value ({@link CloudEventJson}): not parsed again. */
        Builder parsedData(String json) {
            this.data = Objects.requireNonNull(json, "json");
            this.dataChecked = true;
            return this;
        }

        /**
         * Adds a CloudEvents extension attribute.
         *
         * @param name lowercase letters and digits, at most 20, not a name this class already maps
         * @param value a String, Number or Boolean
         * @return this builder
         * @throws InvalidEventException for a bad name or value type
         */
        public Builder extension(String name, Object value) {
            if (name == null || !EXTENSION_NAME.matcher(name).matches() || RESERVED.contains(name)) {
                throw new InvalidEventException("extension name must match [a-z0-9]{1,20} and not be a reserved "
                        + "attribute (was '" + name + "')");
            }
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new InvalidEventException("extension '" + name + "' must be a String, Number or Boolean (was "
                        + (value == null ? "null" : value.getClass().getName()) + ")");
            }
            extensions.put(name, value);
            return this;
        }

        /**
         * Builds the event.
         *
         * @return the immutable event
         * @throws InvalidEventException if the data is not well-formed JSON
         */
        public Event build() {
            String json = data == null ? "null" : data;
            if (!dataChecked) {
                dev.adxcore.platform.events.internal.Json.requireWellFormed(json);
            }
            PlatformContext bound = fromContext ? PlatformContext.current().orElse(null) : null;
            if (bound != null) {
                if (tenantId == null) {
                    tenantId = bound.tenantId().orElse(null);
                }
                if (userId == null) {
                    userId = bound.userId().orElse(null);
                }
                if (correlationId == null) {
                    correlationId = bound.correlationId();
                }
                if (causationId == null) {
                    causationId = bound.causationId().orElse(null);
                }
                if (!extensions.containsKey(TRACEPARENT) && bound.trace().isPresent()) {
                    extensions.put(TRACEPARENT, bound.trace().get().toHeader());
                    bound.traceState().ifPresent(t -> extensions.putIfAbsent(TRACESTATE, t));
                }
                if (!extensions.containsKey(CAUSAL_TOKEN)) {
                    bound.causalToken().ifPresent(t -> extensions.put(CAUSAL_TOKEN, t));
                }
            }
            String eventId = id == null ? UUID.randomUUID().toString() : id;
            String correlation = correlationId != null
                    ? correlationId
                    : eventId.length() <= 128
                            ? eventId
                            : UUID.nameUUIDFromBytes(eventId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                    .toString();
            PlatformContext.Builder handler = PlatformContext.builder();
            try {
                handler.causationId(eventId);
            } catch (InvalidContextException e) {
                throw new InvalidEventException("event id: " + e.getMessage());
            }
            field("correlationid", () -> handler.correlationId(correlation));
            field("userid", () -> handler.userId(userId));
            if (causationId != null) {
                String cause = causationId;
                field("causationid", () -> PlatformContext.builder().causationId(cause));
            }
            handler.tenantId(tenantId);
            Object trace = extensions.get(TRACEPARENT);
            if (trace != null) {
                TraceParent parent = TraceParent.parse(trace.toString())
                        .orElseThrow(
                                () -> new InvalidEventException(
                                        TRACEPARENT
                                                + " must be a W3C traceparent such as 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
                handler.trace(parent.newChild());
                Object state = extensions.get(TRACESTATE);
                if (state != null) {
                    field(TRACESTATE, () -> handler.traceState(state.toString()));
                }
            } else {
                handler.trace(TraceParent.newRoot());
            }
            Object token = extensions.get(CAUSAL_TOKEN);
            if (token != null) {
                field(CAUSAL_TOKEN, () -> handler.causalToken(token.toString()));
            }
            return new Event(this, json, eventId, correlation, handler.build());
        }

        private static void field(String attribute, Runnable check) {
            try {
                check.run();
            } catch (InvalidContextException e) {
                throw new InvalidEventException(attribute + ": " + e.getMessage());
            }
        }

        private static UUID tenant(String text) {
            try {
                return PlatformContext.parseTenantId(text);
            } catch (InvalidContextException e) {
                throw new InvalidEventException("tenantid: " + e.getMessage());
            }
        }

        private static String requireText(String name, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidEventException(name + " must not be blank (was '" + value + "')");
            }
            if (value.length() > 512) {
                throw new InvalidEventException(name + " must be at most 512 characters (was " + value.length() + ")");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new InvalidEventException(name + " must not contain control characters");
                }
            }
            return value;
        }
    }
}
