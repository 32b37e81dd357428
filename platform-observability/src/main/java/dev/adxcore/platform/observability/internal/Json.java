package dev.adxcore.platform.observability.internal;

import dev.adxcore.platform.core.JsonStrings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Minimal JSON rendering of health details: numbers, booleans, maps, iterables; strings through platform-core's
 * {@link JsonStrings}; anything else as its string. Thread-safe (stateless); costs one pass over the value,
 * appending to the caller's builder.
 */
public final class Json {

    private Json() {}

    /**
     * Appends {@code value} as a JSON string literal (escaping by platform-core's {@link JsonStrings}).
     *
     * @param out the target
     * @param value the text
     */
    public static void string(StringBuilder out, String value) {
        JsonStrings.appendQuoted(out, value);
    }

    /**
     * Milliseconds with up to three decimals, for JSON.
     *
     * @param d the duration
     * @return for example {@code 12.345}
     */
    public static String millis(Duration d) {
        long micros = d.toNanos() / 1_000L;
        long whole = micros / 1_000L;
        long frac = Math.abs(micros % 1_000L);
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format(Locale.ROOT, "%03d", frac);
        int end = f.length();
        while (f.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + f.substring(0, end);
    }

    /**
     * Appends any simple value as JSON.
     *
     * @param out the target
     * @param value the value
     */
    public static void value(StringBuilder out, @Nullable Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            string(out, d.toString());
        } else if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
            string(out, f.toString());
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Iterable<?> iterable) {
            out.append('[');
            boolean first = true;
            for (Object item : iterable) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                value(out, item);
            }
            out.append(']');
        } else {
            string(out, value.toString());
        }
    }
}
