package dev.adxcore.platform.core;

import dev.adxcore.platform.core.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP carrier of a {@link PlatformContext}: the header names the gateway sets and services read (one
 * definition for every jar and example), and the two directions, in and out.
 *
 * <pre>{@code
 * // a service behind the gateway
 * PlatformContext ctx = PlatformHeaders.extract(exchange.getRequestHeaders()::getFirst);
 * // a client calling the next service
 * PlatformHeaders.inject(PlatformContext.require(), request::header);
 * }</pre>
 *
 * <p>The identity headers ({@link #IDENTITY}) are trusted only from the gateway, which verifies the caller's
 * token, strips whatever a client sent under these names and sets them itself; a service must not be reachable
 * around the gateway. Works with any HTTP library: headers are read through a function and written through a
 * consumer. Thread-safe (stateless); each call costs a few string operations and, for {@code extract}, the
 * context's validation (no I/O).
 *
 * @since 0.1.0
 */
public final class PlatformHeaders {

    /** The tenant id (a UUID). */
    public static final String TENANT_ID = "X-Tenant-Id";
    /** The user id. */
    public static final String USER_ID = "X-User-Id";
    /** The user's roles, comma-separated. */
    public static final String ROLES = "X-Roles";
    /** The correlation id. */
    public static final String CORRELATION_ID = "X-Correlation-Id";
    /** The causation id. */
    public static final String CAUSATION_ID = "X-Causation-Id";
    /** The causal token of the caller's last write. */
    public static final String CAUSAL_TOKEN = "X-Causal-Token";
    /** The W3C trace context. */
    public static final String TRACEPARENT = TraceParent.HEADER;
    /** The W3C vendor trace state. */
    public static final String TRACESTATE = "tracestate";

    /** The headers that say who the caller is: set only by the gateway, stripped from client requests. */
    public static final List<String> IDENTITY = List.of(TENANT_ID, USER_ID, ROLES);
    /** Every header of the carrier. */
    public static final List<String> ALL =
            List.of(TENANT_ID, USER_ID, ROLES, CORRELATION_ID, CAUSATION_ID, CAUSAL_TOKEN, TRACEPARENT, TRACESTATE);

    private PlatformHeaders() {}

    /**
     * Reads a context from request headers.
     *
     * <ul>
     *   <li>{@code X-Tenant-Id}, {@code X-User-Id}, {@code X-Roles} (comma-separated; blanks around commas and
     *       empty items are ignored), {@code X-Correlation-Id}, {@code X-Causation-Id}, {@code X-Causal-Token}:
     *       absent means none (a new correlation id is drawn); present but malformed is refused.</li>
     *   <li>{@code traceparent}: the context gets a child of it (this service's own span id); absent or
     *       malformed starts a new trace, as the W3C recommendation says, never an error. {@code tracestate}
     *       is kept with a valid {@code traceparent} and dropped when malformed.</li>
     * </ul>
     *
     * @param header the request's header lookup, returning null when the header is absent
     * @return the validated context
     * @throws InvalidContextException when a present header is malformed; the message starts with the header
     *     name and never shows a hostile value
     * @since 0.1.0
     */
    public static PlatformContext extract(Function<String, @Nullable String> header) {
        Objects.requireNonNull(header, "header");
        PlatformContext.Builder b = PlatformContext.builder();
        String value = header.apply(TENANT_ID);
        if (value != null) {
            try {
                b.tenantId(value.trim());
            } catch (InvalidContextException e) {
                throw named(TENANT_ID, e);
            }
        }
        value = header.apply(USER_ID);
        if (value != null) {
            try {
                b.userId(value.trim());
            } catch (InvalidContextException e) {
                throw named(USER_ID, e);
            }
        }
        value = header.apply(ROLES);
        if (value != null) {
            try {
                b.roles(splitRoles(value));
            } catch (InvalidContextException e) {
                throw named(ROLES, e);
            }
        }
        value = header.apply(CORRELATION_ID);
        if (value != null) {
            try {
                b.correlationId(value.trim());
            } catch (InvalidContextException e) {
                throw named(CORRELATION_ID, e);
            }
        }
        value = header.apply(CAUSATION_ID);
        if (value != null) {
            try {
                b.causationId(value.trim());
            } catch (InvalidContextException e) {
                throw named(CAUSATION_ID, e);
            }
        }
        value = header.apply(CAUSAL_TOKEN);
        if (value != null) {
            try {
                b.causalToken(value.trim());
            } catch (InvalidContextException e) {
                throw named(CAUSAL_TOKEN, e);
            }
        }
        TraceParent incoming = TraceParent.parse(header.apply(TRACEPARENT)).orElse(null);
        if (incoming == null) {
            b.trace(TraceParent.newRoot());
        } else {
            b.trace(incoming.newChild());
            String state = header.apply(TRACESTATE);
            if (state != null) {
                try {
                    b.traceState(state.trim());
                } catch (InvalidContextException e) {
                    b.traceState(null);
                }
            }
        }
        return b.build();
    }

    /**
     * Writes a context as request headers for a call to another service. The trace context is written as it
     * is: its span id becomes the callee's parent.
     *
     * @param context the context
     * @param header sets one header (name, value)
     * @since 0.1.0
     */
    public static void inject(PlatformContext context, BiConsumer<String, String> header) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(header, "header");
        context.tenantId().ifPresent(t -> header.accept(TENANT_ID, t.toString()));
        context.userId().ifPresent(u -> header.accept(USER_ID, u));
        if (!context.roles().isEmpty()) {
            header.accept(ROLES, String.join(",", context.roles()));
        }
        header.accept(CORRELATION_ID, context.correlationId());
        context.causationId().ifPresent(c -> header.accept(CAUSATION_ID, c));
        context.causalToken().ifPresent(c -> header.accept(CAUSAL_TOKEN, c));
        context.trace().ifPresent(t -> header.accept(TRACEPARENT, t.toHeader()));
        context.traceState().ifPresent(s -> header.accept(TRACESTATE, s));
    }

    /**
     * What an edge (the gateway) does with a client's {@code X-Correlation-Id}: keeps it when it follows the
     * context's rule, else draws a new one, so a hostile header can neither forge log lines nor fail the request.
     *
     * @param candidate the client's header value, possibly null or hostile
     * @return a valid correlation id
     * @since 0.1.0
     */
    public static String correlationIdOrNew(@Nullable String candidate) {
        if (candidate != null
                && !candidate.isEmpty()
                && candidate.length() <= 128
                && Text.onlyAlnumAnd(candidate, "._:+/=-")) {
            return candidate;
        }
        return java.util.UUID.randomUUID().toString();
    }

    /**
     * Splits an {@code X-Roles} value: comma-separated, blanks around items and empty items ignored.
     *
     * @param header the header value
     * @return the roles, not yet validated
     * @since 0.1.0
     */
    public static List<String> splitRoles(String header) {
        List<String> roles = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            String role = part.trim();
            if (!role.isEmpty()) {
                roles.add(role);
            }
        }
        return roles;
    }

    private static InvalidContextException named(String header, InvalidContextException e) {
        return new InvalidContextException(header + " header: " + e.getMessage());
    }
}
