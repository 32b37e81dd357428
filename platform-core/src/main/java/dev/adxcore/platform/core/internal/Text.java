package dev.adxcore.platform.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * Character-class checks and log-safe previews of untrusted text. Internal: do not use outside platform-core.
 * Thread-safe (stateless); each call costs at most one pass over the given text.
 */
public final class Text {

    private static final int PREVIEW = 64;

    private Text() {}

    /**
     * How an untrusted value may appear in an error message: the value itself in quotes when it is short
     * and made of printable ASCII without quotes or backslashes, otherwise only its length, so a hostile
     * header can neither forge a log line nor bloat it.
     *
     * @param value the untrusted value
     * @return for example {@code 'abc'} or {@code a value of 4096 characters, not shown}
     */
    public static String preview(@Nullable CharSequence value) {
        if (value == null) {
            return "null";
        }
        if (value.length() == 0) {
            return "''";
        }
        if (value.length() <= PREVIEW) {
            boolean plain = true;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '\'' || c == '"' || c == '\\') {
                    plain = false;
                    break;
                }
            }
            if (plain) {
                return "'" + value + "'";
            }
            return "a value of " + value.length()
                    + " characters with control, quote or non-ASCII characters, not shown";
        }
        return "a value of " + value.length() + " characters, not shown";
    }

    /**
     * Whether every character of {@code value} is an ASCII letter or digit or one of {@code extra}.
     *
     * @param value the text
     * @param extra the other characters allowed
     * @return true when only allowed characters occur
     */
    public static boolean onlyAlnumAnd(CharSequence value, String extra) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code value} has only lowercase hex digits between {@code from} and {@code to}.
     *
     * @param value the text
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @return true when all are {@code 0-9a-f}
     */
    public static boolean isLowerHex(CharSequence value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
