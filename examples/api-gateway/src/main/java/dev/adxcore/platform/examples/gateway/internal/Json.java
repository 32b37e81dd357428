package dev.adxcore.platform.examples.gateway.internal;

/** Minimal JSON string escaping for error bodies and access-log lines. Stateless. */
public final class Json {

    private Json() {
    }

    /**
     * Appends {@code value} as a quoted JSON string.
     *
     * @param out where to append
     * @param value the text
     */
    public static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
