package dev.adxcore.platform.examples.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request path decoded exactly once and normalised, or rejected.
 *
 * <p>Rules, chosen so that no encoding trick can make the upstream see a different path than the one
 * the gateway routed on (CVE-2025-47952, CVE-2020-5405 and friends):
 * <ul>
 *   <li>percent-escapes are decoded once, as UTF-8; a malformed escape or invalid UTF-8 is rejected;</li>
 *   <li>an escape that decodes to {@code /}, {@code \} or {@code %} (encoded slash, encoded backslash,
 *       double encoding) is rejected; so is a literal {@code \};</li>
 *   <li>{@code ;} (matrix/path parameters), NUL and other control characters are rejected, encoded or not;</li>
 *   <li>a segment that is {@code .} or {@code ..} after decoding (including {@code %2e%2e}) is rejected;</li>
 *   <li>empty segments ({@code //}) are collapsed; a trailing slash is kept.</li>
 * </ul>
 * The forwarded path is rebuilt from the decoded segments with every byte outside the RFC 3986
 * unreserved and safe sub-delimiter set percent-encoded, so upstreams decode it to the same segments.
 *
 * <p>Immutable and thread-safe.
 */
public final class RequestPath {

    private final List<String> segments;
    private final boolean trailingSlash;

    private RequestPath(List<String> segments, boolean trailingSlash) {
        this.segments = Collections.unmodifiableList(segments);
        this.trailingSlash = trailingSlash;
    }

    /** Thrown for a path that cannot be routed safely; answered with 400. */
    public static final class InvalidPathException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidPathException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Decodes and normalises a raw (still percent-encoded) request path.
     *
     * @param rawPath the path as received, starting with {@code /}
     * @return the normalised path
     * @throws InvalidPathException when the path breaks one of the rules
     */
    public static RequestPath parse(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new InvalidPathException("path must start with '/'");
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        int length = rawPath.length();
        while (start <= length) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            if (end > start) {
                String segment = decodeSegment(rawPath, start, end);
                if (segment.equals(".") || segment.equals("..")) {
                    throw new InvalidPathException("dot segment");
                }
                segments.add(segment);
            }
            start = end + 1;
        }
        boolean trailing = rawPath.length() > 1 && rawPath.charAt(rawPath.length() - 1) == '/' && !segments.isEmpty();
        return new RequestPath(segments, trailing);
    }

    private static String decodeSegment(String raw, int start, int end) {
        boolean plain = true;
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%' || c > 0x7e) {
                plain = false;
            }
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ';') {
                throw new InvalidPathException("forbidden character in path");
            }
        }
        if (plain) {
            return raw.substring(start, end);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    throw new InvalidPathException("truncated escape");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException("malformed escape");
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\' || b == '%' || b == ';' || b < 0x20 || b == 0x7f) {
                    throw new InvalidPathException("encoded separator, escape or control character");
                }
                bytes.write(b);
                i += 2;
            } else if (c > 0x7e) {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < end) {
                    utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPathException("invalid UTF-8 in path");
        }
    }

    /** @return the decoded segments, none empty, none a dot segment */
    public List<String> segments() {
        return segments;
    }

    /** @return whether the path ended with {@code /} */
    public boolean hasTrailingSlash() {
        return trailingSlash;
    }

    /**
     * @param index a segment index
     * @return the decoded segment, or {@code null} past the end
     */
    public @Nullable String segment(int index) {
        return index < segments.size() ? segments.get(index) : null;
    }

    /** @return the normalised path, decoded (for logs and routing) */
    public String decoded() {
        return build(false);
    }

    /** @return the normalised path, re-encoded for the upstream request line */
    public String encoded() {
        return build(true);
    }

    private String build(boolean encode) {
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder(64);
        for (String segment : segments) {
            sb.append('/');
            if (encode) {
                appendEncoded(sb, segment);
            } else {
                sb.append(segment);
            }
        }
        if (trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static void appendEncoded(StringBuilder sb, String segment) {
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '!'
                    || c == '$'
                    || c == '&'
                    || c == '\''
                    || c == '('
                    || c == ')'
                    || c == '*'
                    || c == '+'
                    || c == ','
                    || c == '='
                    || c == ':'
                    || c == '@') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }
}
