package dev.adxcore.platform.observability.logging;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A W3C Trace Context ({@code traceparent} header): trace id, span id and flags.
 *
 * <pre>{@code
 * TraceContext trace = TraceContext.parse(request.header("traceparent"))
 *         .map(TraceContext::newChild)
 *         .orElseGet(TraceContext::newRoot);
 * try (LogContext ignored = LogContext.builder().traceContext(trace).open()) { ... }
 * outgoing.header(TraceContext.HEADER, trace.toHeader());
 * }</pre>
 *
 * <p>Parsing follows the W3C recommendation: version {@code 00} must be exactly
 * {@code 00-<32 hex>-<16 hex>-<2 hex>} in lowercase; a higher version may carry more fields after the
 * flags, which are ignored; version {@code ff}, all-zero ids, uppercase hex and anything else are
 * rejected (empty result), so a malformed header never reaches the logs.
 *
 * <p>Immutable and thread-safe. Ids come from {@link ThreadLocalRandom}: unique enough for tracing, not
 * secrets.
 *
 * @since 0.1.0
 */
public final class TraceContext {

    /** The HTTP header name. */
    public static final String HEADER = "traceparent";

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int LENGTH = 55;

    private final String traceId;
    private final String spanId;
    private final int flags;

    private TraceContext(String traceId, String spanId, int flags) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.flags = flags;
    }

    /**
     * Parses a {@code traceparent} header value.
     *
     * @param header the header value, possibly null or malformed
     * @return the context, or empty when the header is absent or invalid
     */
    public static Optional<TraceContext> parse(@Nullable String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (h.length() < LENGTH || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
            return Optional.empty();
        }
        if (!isHex(h, 0, 2) || !isHex(h, 3, 35) || !isHex(h, 36, 52) || !isHex(h, 53, 55)) {
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
        return Optional.of(new TraceContext(traceId, spanId, Integer.parseInt(h.substring(53, 55), 16)));
    }

    /**
     * Starts a new trace (no incoming {@code traceparent}), not sampled: this jar records no spans.
     *
     * @return a context with a random trace id and span id
     */
    public static TraceContext newRoot() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        return new TraceContext(hex(hi) + hex(lo), newSpanId(), 0);
    }

    /**
     * A child of this context: same trace id and flags, a new span id. Use it for the work this service
     * does on behalf of the caller, and for outgoing calls.
     *
     * @return a new context
     */
    public TraceContext newChild() {
        return new TraceContext(traceId, newSpanId(), flags);
    }

    /**
     * The trace id.
     *
     * @return 32 lowercase hex characters
     */
    public String traceId() {
        return traceId;
    }

    /**
     * The span id (the header's parent-id field).
     *
     * @return 16 lowercase hex characters
     */
    public String spanId() {
        return spanId;
    }

    /**
     * Whether the caller sampled the trace (flag bit 0).
     *
     * @return true when sampled
     */
    public boolean isSampled() {
        return (flags & 1) != 0;
    }

    /**
     * The header value for an outgoing request (always version {@code 00}).
     *
     * @return for example {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
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

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
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
        return o instanceof TraceContext other && traceId.equals(other.traceId) && spanId.equals(other.spanId)
                && flags == other.flags;
    }

    @Override
    public int hashCode() {
        return Objects.hash(traceId, spanId, flags);
    }

    @Override
    public String toString() {
        return toHeader();
    }
}
