package dev.adxcore.platform.temporal.internal;

import static dev.adxcore.platform.temporal.TemporalHeaders.CAUSAL_TOKEN;
import static dev.adxcore.platform.temporal.TemporalHeaders.CAUSATION_ID;
import static dev.adxcore.platform.temporal.TemporalHeaders.CORRELATION_ID;
import static dev.adxcore.platform.temporal.TemporalHeaders.ROLES;
import static dev.adxcore.platform.temporal.TemporalHeaders.TENANT_ID;
import static dev.adxcore.platform.temporal.TemporalHeaders.TRACEPARENT;
import static dev.adxcore.platform.temporal.TemporalHeaders.TRACESTATE;
import static dev.adxcore.platform.temporal.TemporalHeaders.USER_ID;

import com.google.protobuf.ByteString;
import dev.adxcore.platform.core.InvalidContextException;
import dev.adxcore.platform.core.JsonStrings;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.PlatformHeaders;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.temporal.TemporalHeaders;
import io.temporal.api.common.v1.Payload;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link PlatformContext} as Temporal header payloads ({@link TemporalHeaders}) and reads it back with
 * {@code PlatformContext}'s validation. A set of headers with one malformed value is no context at all (never a
 * partial one): the first malformed value of each header name is logged at WARN, later ones at DEBUG, and never
 * the value itself. Stateless apart from that log de-duplication; thread-safe. Each call costs one small JSON
 * payload per context value, no I/O.
 */
public final class ContextHeaderCodec {

    /** A payload larger than this is refused unread (the longest valid value, 64 roles, is about 8 KiB). */
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ContextHeaderCodec.class);
    private static final String ENCODING = "encoding";
    private static final ByteString JSON_PLAIN = ByteString.copyFromUtf8("json/plain");
    private static final Map<String, String> RULES = Map.of(
            TENANT_ID, "a UUID such as 3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f, not the nil UUID",
            USER_ID, "1 to 256 characters of A-Z a-z 0-9 . _ : @ | + = -",
            ROLES, "at most 64 comma-separated roles, each 1 to 128 characters of A-Z a-z 0-9 . _ : / -",
            CORRELATION_ID, "1 to 128 characters of A-Z a-z 0-9 . _ : + / = -",
            CAUSATION_ID, "1 to 512 characters of A-Z a-z 0-9 . _ : + / = @ | ~ -",
            TRACEPARENT, "a W3C traceparent such as 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            TRACESTATE, "at most 512 printable ASCII characters",
            CAUSAL_TOKEN, "1 to 128 characters of A-Z a-z 0-9 . _ : / -");
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private ContextHeaderCodec() {}

    /**
     * @param context the context
     * @return one JSON-string payload per value the context has
     */
    public static Map<String, Payload> write(PlatformContext context) {
        Map<String, Payload> header = new HashMap<>(16);
        context.tenantId().ifPresent(t -> header.put(TENANT_ID, payload(t.toString())));
        context.userId().ifPresent(u -> header.put(USER_ID, payload(u)));
        if (!context.roles().isEmpty()) {
            header.put(ROLES, payload(String.join(",", context.roles())));
        }
        header.put(CORRELATION_ID, payload(context.correlationId()));
        context.causationId().ifPresent(c -> header.put(CAUSATION_ID, payload(c)));
        context.trace().ifPresent(t -> header.put(TRACEPARENT, payload(t.toHeader())));
        context.traceState().ifPresent(s -> header.put(TRACESTATE, payload(s)));
        context.causalToken().ifPresent(c -> header.put(CAUSAL_TOKEN, payload(c)));
        return header;
    }

    /**
     * @param header a task's headers
     * @return whether any header of the carrier is present
     */
    public static boolean carriesContext(Map<String, Payload> header) {
        if (header.isEmpty()) {
            return false;
        }
        for (String name : TemporalHeaders.ALL) {
            if (header.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the context from a task's headers.
     *
     * @param header the headers (other headers are ignored)
     * @return the context; {@code null} when none of the carrier's headers is present, or when one is malformed
     *     (which is logged as described in the class comment)
     */
    public static @Nullable PlatformContext read(Map<String, Payload> header) {
        if (!carriesContext(header)) {
            return null;
        }
        PlatformContext.Builder b = PlatformContext.builder();
        String name = TENANT_ID;
        try {
            String value = text(header, name);
            if (value != null) {
                b.tenantId(value);
            }
            name = USER_ID;
            value = text(header, name);
            if (value != null) {
                b.userId(value);
            }
            name = ROLES;
            value = text(header, name);
            if (value != null) {
                b.roles(PlatformHeaders.splitRoles(value));
            }
            name = CORRELATION_ID;
            value = text(header, name);
            if (value == null) {
                // Never draw a random one: this runs in workflow code, on every replay.
                return malformed(name, "is missing although other adx- headers are present", -1);
            }
            b.correlationId(value);
            name = CAUSATION_ID;
            value = text(header, name);
            if (value != null) {
                b.causationId(value);
            }
            name = TRACEPARENT;
            value = text(header, name);
            if (value != null) {
                TraceParent trace = TraceParent.parse(value).orElse(null);
                if (trace == null) {
                    throw new InvalidContextException("malformed traceparent");
                }
                b.trace(trace);
                name = TRACESTATE;
                value = text(header, name);
                b.traceState(value);
            }
            name = CAUSAL_TOKEN;
            value = text(header, name);
            if (value != null) {
                b.causalToken(value);
            }
            return b.build();
        } catch (InvalidContextException e) {
            return malformed(name, "must be a JSON string of " + RULES.get(name), size(header.get(name)));
        } catch (NotAJsonString e) {
            return malformed(name, String.valueOf(e.getMessage()), size(header.get(name)));
        }
    }

    private static @Nullable String text(Map<String, Payload> header, String name) throws NotAJsonString {
        Payload payload = header.get(name);
        if (payload == null) {
            return null;
        }
        if (!JSON_PLAIN.equals(payload.getMetadataOrDefault(ENCODING, ByteString.EMPTY))) {
            throw new NotAJsonString("is not a json/plain payload (a JSON string is expected)");
        }
        if (payload.getData().size() > MAX_PAYLOAD_BYTES) {
            throw new NotAJsonString("is larger than " + MAX_PAYLOAD_BYTES + " bytes");
        }
        String value = JsonStringReader.read(payload.getData().toStringUtf8());
        if (value == null) {
            throw new NotAJsonString("does not hold a JSON string");
        }
        return value;
    }

    private static @Nullable PlatformContext malformed(String header, String problem, int bytes) {
        boolean first = REPORTED.add(header);
        if (first || log.isDebugEnabled()) {
            String message = "Ignoring the PlatformContext in the headers of a Temporal task: header {} {}{}; the task "
                    + "runs with no context, so a standard-template workflow is denied{}";
            String received = bytes < 0 ? "" : " (" + bytes + " bytes received, not shown)";
            if (first) {
                log.warn(
                        message,
                        header,
                        problem,
                        received,
                        "; later malformed " + header + " headers are logged at " + "DEBUG");
            } else {
                log.debug(message, header, problem, received, "");
            }
        }
        return null;
    }

    private static int size(@Nullable Payload payload) {
        return payload == null ? -1 : payload.getData().size();
    }

    private static Payload payload(String value) {
        return Payload.newBuilder()
                .putMetadata(ENCODING, JSON_PLAIN)
                .setData(ByteString.copyFromUtf8(JsonStrings.quote(value)))
                .build();
    }

    /** Forgets which headers were reported, so that tests see the first report again. */
    static void resetReports() {
        REPORTED.clear();
    }

    private static final class NotAJsonString extends Exception {
        private static final long serialVersionUID = 1L;

        NotAJsonString(String message) {
            super(message, null, false, false);
        }
    }
}
