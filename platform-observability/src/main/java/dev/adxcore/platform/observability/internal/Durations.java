package dev.adxcore.platform.observability.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Human-readable duration formatting and lenient parsing of configuration values. */
public final class Durations {

    private Durations() {
    }

    /**
     * Formats a duration the way people write it: {@code 2s}, {@code 1500ms}, {@code 250us}.
     *
     * @param d the duration
     * @return the short form
     */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
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
     * Parses {@code 2s}, {@code 500ms}, {@code 1m}, {@code 250us}, {@code 0} or ISO-8601 ({@code PT2S}).
     *
     * @param setting the name of the setting, for the error message
     * @param text the value
     * @return the duration
     * @throws IllegalArgumentException naming the setting and the value when it cannot be parsed
     */
    public static Duration parse(String setting, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.equals("0")) {
                return Duration.ZERO;
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("us")) {
                return Duration.ofNanos(Long.parseLong(t.substring(0, t.length() - 2).trim()) * 1_000L);
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(setting + " must be a duration such as 2s, 500ms or PT2S (was '"
                + text + "')");
    }
}
