package dev.adxcore.platform.core;

import dev.adxcore.platform.core.internal.Text;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The W3C Trace Context of a piece of work ({@code traceparent}): trace id, span id and trace flags.
 *
 * <pre>{@code
 * TraceParent mine = TraceParent.parse(request.header("traceparent"))
 *         .map(TraceParent::newChild)          // this service's span, child of the caller's
 *         .orElseGet(TraceParent::newRoot);    // absent or malformed: a new trace, never an error
 * outgoing.header("traceparent", mine.toHeader());
 * }</pre>
 *
 * <p>Parsing follows the W3C recommendation: version {@code 00} must be exactly
 * {@code 00-<32 hex>-<16 hex>-<2 hex>} in lowercase; a higher version may carry more fields after the flags,
 * which are ignored; version {@code ff}, all-zero ids, uppercase hex and anything else are rejected (empty
 * result), so a malformed header never reaches the logs.
 *
 * <p>This is a plain value: platform-core records no spans and depends on no tracing library.
 * platform-observability keeps it and OpenTelemetry's current span in agreement when an OpenTelemetry SDK or
 * agent is installed. Immutable and thread-safe; ids come from {@link ThreadLocalRandom} (unique enough for
 * tracing, not secrets); creating one costs two random numbers and a 55-character string at most.
 *
 * @since 0.1.0
 */
public final class TraceParent {

    /** The HTTP header (and CloudEvents extension) name. */
    public static final String HEADER = "traceparent";

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int LENGTH = 55;

    private final String traceId;
    private final String spanId;
    private final int flags;

    private TraceParent(String traceId, String spanId, int flags) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.flags = flags;
    }

    /**
     * Parses a {@code traceparent} value.
     *
     * @param header the value, possibly null or malformed
     * @return the trace context, or empty when the value is absent or invalid
     * @since 0.1.0
     */
    public static Optional<TraceParent> parse(@Nullable String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (h.length() < LENGTH || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
            return Optional.empty();
        }
        if (!Text.isLowerHex(h, 0, 2)
                || !Text.isLowerHex(h, 3, 35)
                || !Text.isLowerHex(h, 36, 52)
                || !Text.isLowerHex(h, 53, 55)) {
            return Optional.empty();
        }
        String version = h.substring(0, 2);
        if (version.equals("ff")) {
            return Optional.empty();
        }
        if (version.equals("00") ? h.length() != LENGTH : h.length() > LENGTH && h.charAt(LENGTH) != '-') {
            return Optional.empty();
        }
        String traceId = h.substring(3, 35);
        String spanId = h.substring(36, 52);
        if (isZero(traceId) || isZero(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, spanId, Integer.parseInt(h.substring(53, 55), 16)));
    }

    /**
     * A trace context from its parts, for bridges from tracing libraries.
     *
     * @param traceId 32 lowercase hex characters, not all zero
     * @param spanId 16 lowercase hex characters, not all zero
     * @param flags the trace flags, 0 to 255 (bit 0: sampled)
     * @return the trace context
     * @throws IllegalArgumentException when a part is malformed; the message names it
     * @since 0.1.0
     */
    public static TraceParent of(String traceId, String spanId, int flags) {
        if (traceId.length() != 32 || !Text.isLowerHex(traceId, 0, 32) || isZero(traceId)) {
            throw new IllegalArgumentException(
                    "traceId must be 32 lowercase hex characters, not all zero (was " + Text.preview(traceId) + ")");
        }
        if (spanId.length() != 16 || !Text.isLowerHex(spanId, 0, 16) || isZero(spanId)) {
            throw new IllegalArgumentException(
                    "spanId must be 16 lowercase hex characters, not all zero (was " + Text.preview(spanId) + ")");
        }
        if (flags < 0 || flags > 255) {
            throw new IllegalArgumentException("trace flags must be 0 to 255 (was " + flags + ")");
        }
        return new TraceParent(traceId, spanId, flags);
    }

    /**
     * Starts a new trace, not sampled.
     *
     * @return a context with a random trace id and span id
     * @since 0.1.0
     */
    public static TraceParent newRoot() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        return new TraceParent(hex(hi) + hex(lo), newSpanId(), 0);
    }

    /**
     * A child of this context: same trace id and flags, a new span id. Use it for the work done on behalf of
     * the caller, and for outgoing calls.
     *
     * @return a new context
     * @since 0.1.0
     */
    public TraceParent newChild() {
        return new TraceParent(traceId, newSpanId(), flags);
    }

    /**
     * The trace id.
     *
     * @return 32 lowercase hex characters
     * @since 0.1.0
     */
    public String traceId() {
        return traceId;
    }

    /**
     * The span id (the header's parent-id field).
     *
     * @return 16 lowercase hex characters
     * @since 0.1.0
     */
    public String spanId() {
        return spanId;
    }

    /**
     * The trace flags.
     *
     * @return 0 to 255
     * @since 0.1.0
     */
    public int flags() {
        return flags;
    }

    /**
     * Whether the trace is sampled (flag bit 0).
     *
     * @return true when sampled
     * @since 0.1.0
     */
    public boolean isSampled() {
        return (flags & 1) != 0;
    }

    /**
     * The header value (always version {@code 00}).
     *
     * @return for example {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
     * @since 0.1.0
     */
    public String toHeader() {
        return "00-" + traceId + '-' + spanId + '-' + HEX[(flags >> 4) & 0xF] + HEX[flags & 0xF];
    }

    private static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return hex(id);
    }

    private static String hex(long v) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        return new String(out);
    }

    private static boolean isZero(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TraceParent other
                && traceId.equals(other.traceId)
                && spanId.equals(other.spanId)
                && flags == other.flags;
    }

    @Override
    public int hashCode() {
        return (traceId.hashCode() * 31 + spanId.hashCode()) * 31 + flags;
    }

    /** @return the header value */
    @Override
    public String toString() {
        return toHeader();
    }
}
