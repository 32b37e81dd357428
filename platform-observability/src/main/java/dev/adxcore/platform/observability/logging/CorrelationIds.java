package dev.adxcore.platform.observability.logging;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Creates and validates correlation ids ({@code X-Correlation-Id}).
 *
 * <pre>{@code
 * String correlationId = CorrelationIds.orNew(request.header(CorrelationIds.HEADER));
 * }</pre>
 *
 * <p>An id from a client is only trusted when {@link #isValid(String)}: 1 to {@value #MAX_LENGTH}
 * characters of {@code A-Z a-z 0-9 . _ : + / = -}. No spaces, quotes, backslashes or control characters,
 * so a header can neither forge log lines nor break a JSON log encoder, and it cannot bloat every log
 * line either. Thread-safe.
 *
 * @since 0.1.0
 */
public final class CorrelationIds {

    /** The HTTP header name. */
    public static final String HEADER = "X-Correlation-Id";
    /** The longest id accepted. */
    public static final int MAX_LENGTH = 128;

    private CorrelationIds() {
    }

    /**
     * A new random id (a version 4 UUID in its usual text form).
     *
     * @return for example {@code 3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f}
     */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * Whether {@code id} is safe to log and propagate.
     *
     * @param id a candidate, possibly null
     * @return true when it has 1 to {@value #MAX_LENGTH} characters from the safe set
     */
    public static boolean isValid(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * The given id when valid, else a new one: what a service does with an incoming header.
     *
     * @param candidate the incoming value, possibly null or hostile
     * @return a valid id
     */
    public static String orNew(@Nullable String candidate) {
        return candidate != null && isValid(candidate) ? candidate : newId();
    }
}
