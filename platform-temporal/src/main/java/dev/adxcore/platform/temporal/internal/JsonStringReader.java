package dev.adxcore.platform.temporal.internal;

import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON string literal back into the string it denotes (the other direction is platform-core's
 * {@code JsonStrings.quote}). Strict: anything that is not exactly one well-formed JSON string literal, surrounding
 * whitespace aside, is refused.
 */
final class JsonStringReader {

    private JsonStringReader() {}

    /**
     * @param json the text of a payload
     * @return the string, or {@code null} when {@code json} is not a single JSON string literal (unescaped control
     *     characters or quotes inside, an unknown or truncated escape, text after the closing quote)
     */
    static @Nullable String read(String json) {
        String s = json.strip();
        int end = s.length() - 1;
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(end) != '"') {
            return null;
        }
        StringBuilder sb = new StringBuilder(end);
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            if (c == '"' || c < 0x20) {
                return null;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= end) {
                return null;
            }
            char e = s.charAt(i);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 >= end) {
                        return null;
                    }
                    int code = 0;
                    for (int k = 1; k <= 4; k++) {
                        int digit = Character.digit(s.charAt(i + k), 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    sb.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return sb.toString();
    }
}
