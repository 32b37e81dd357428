package dev.adxcore.platform.core;

/**
 * JSON string literals written by hand (health reports, error bodies, log encoders), correctly escaped: the
 * one implementation every platform jar uses.
 *
 * <p>Escapes {@code "} and {@code \}, every control character below U+0020 (as {@code \n}, {@code \r},
 * {@code \t}, {@code \b}, {@code \f} or {@code \}{@code u00XX}), U+2028 and U+2029 (which break JavaScript
 * embedding) and unpaired surrogates (which have no UTF-8 form), so the output is valid JSON and valid UTF-8
 * for any input. Thread-safe (stateless); costs one pass over the input and allocates only the output.
 *
 * @since 0.1.0
 */
public final class JsonStrings {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {}

    /**
     * Appends {@code value} as a JSON string literal, quotes included.
     *
     * @param out the target
     * @param value the text
     * @return {@code out}
     * @since 0.1.0
     */
    public static StringBuilder appendQuoted(StringBuilder out, CharSequence value) {
        out.append('"');
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        unicode(out, c);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < n
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicode(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * {@code value} as a JSON string literal, quotes included.
     *
     * @param value the text
     * @return for example {@code "a\"b"}
     * @since 0.1.0
     */
    public static String quote(CharSequence value) {
        return appendQuoted(new StringBuilder(value.length() + 2), value).toString();
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}
