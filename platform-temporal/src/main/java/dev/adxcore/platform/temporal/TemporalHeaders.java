package dev.adxcore.platform.temporal;

import java.util.List;

/**
 * The Temporal carrier of a {@link dev.adxcore.platform.core.PlatformContext}: the names of the Temporal headers
 * (workflow start, child workflow, signal-to-external and activity headers) in which the platform's
 * {@code ContextPropagator} writes the context, one header per value.
 *
 * <p>Every header's payload is a plain JSON string: metadata {@code encoding = json/plain} and, as data, the value
 * as a UTF-8 JSON string literal (for example {@code "3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f"}). That is what the
 * default data converter of every Temporal SDK writes for a string, so a worker or client in another language
 * reads and writes them without the Java SDK. Absent values have no header; roles are one header, comma-separated
 * (no role can contain a comma). The values follow {@code PlatformContext}'s rules; a set of headers with any
 * malformed value (or with values but no {@link #CORRELATION_ID}) is logged once per header name, without the
 * value, and treated as no context at all, so a standard-template workflow started with it is denied.
 *
 * <p>Constants only; immutable and thread-safe, no cost at run time.
 *
 * @since 0.1.0
 */
public final class TemporalHeaders {

    /** The tenant id, a UUID in its canonical text form. */
    public static final String TENANT_ID = "adx-tenant-id";
    /** The user id. */
    public static final String USER_ID = "adx-user-id";
    /** The user's roles, comma-separated. */
    public static final String ROLES = "adx-roles";
    /** The correlation id; required whenever any other header of this carrier is present. */
    public static final String CORRELATION_ID = "adx-correlation-id";
    /** The causation id: the caller's for a workflow start, the scheduling workflow's id for everything it causes. */
    public static final String CAUSATION_ID = "adx-causation-id";
    /** The W3C {@code traceparent}, unchanged (no span is added in transit). */
    public static final String TRACEPARENT = "adx-traceparent";
    /** The W3C {@code tracestate}; only together with {@link #TRACEPARENT}. */
    public static final String TRACESTATE = "adx-tracestate";
    /** The causal token of the last committed write (platform-database's {@code CausalToken} text). */
    public static final String CAUSAL_TOKEN = "adx-causal-token";

    /** Every header of the carrier, in the order of the README's table. */
    public static final List<String> ALL =
            List.of(TENANT_ID, USER_ID, ROLES, CORRELATION_ID, CAUSATION_ID, TRACEPARENT, TRACESTATE, CAUSAL_TOKEN);

    private TemporalHeaders() {}
}
