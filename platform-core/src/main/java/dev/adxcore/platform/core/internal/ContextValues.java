package dev.adxcore.platform.core.internal;

import dev.adxcore.platform.core.InvalidContextException;
import java.util.UUID;

/**
 * The validation rules of every request-context value, in one place. Internal. Thread-safe (stateless); each
 * check costs one pass over the value (the tenant check also parses the UUID); no I/O.
 */
public final class ContextValues {

    /** The most roles a context carries. */
    public static final int MAX_ROLES = 64;

    private static final UUID NIL = new UUID(0, 0);

    private ContextValues() {}

    /**
     * @param text a tenant id from outside
     * @return the UUID
     * @throws InvalidContextException unless a canonical, non-nil UUID
     */
    public static UUID tenant(String text) {
        if (text.length() != 36
                || text.charAt(8) != '-'
                || text.charAt(13) != '-'
                || text.charAt(18) != '-'
                || text.charAt(23) != '-'
                || !hexExceptDashes(text)) {
            throw new InvalidContextException(
                    "tenant id must be a UUID such as 3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f (was " + Text.preview(text)
                            + ")");
        }
        return tenant(UUID.fromString(text));
    }

    /**
     * @param id a tenant id
     * @return it
     * @throws InvalidContextException for the nil UUID
     */
    public static UUID tenant(UUID id) {
        if (NIL.equals(id)) {
            throw new InvalidContextException(
                    "tenant id must not be the nil UUID 00000000-0000-0000-0000-000000000000");
        }
        return id;
    }

    /**
     * @param value a user id
     * @return it
     * @throws InvalidContextException unless 1-256 safe characters
     */
    public static String userId(String value) {
        return check("user id", value, 256, "._:@|+=-", "A-Z a-z 0-9 . _ : @ | + = -");
    }

    /**
     * @param value a role
     * @return it
     * @throws InvalidContextException unless 1-128 safe characters
     */
    public static String role(String value) {
        return check("role", value, 128, "._:/-", "A-Z a-z 0-9 . _ : / -");
    }

    /**
     * @param count the number of distinct roles
     * @throws InvalidContextException when above {@link #MAX_ROLES}
     */
    public static void checkRoleCount(int count) {
        if (count > MAX_ROLES) {
            throw new InvalidContextException("a context carries at most " + MAX_ROLES + " roles (was " + count + ")");
        }
    }

    /**
     * @param value a correlation id
     * @return it
     * @throws InvalidContextException unless 1-128 safe characters
     */
    public static String correlationId(String value) {
        return check("correlation id", value, 128, "._:+/=-", "A-Z a-z 0-9 . _ : + / = -");
    }

    /**
     * @param value a causation id
     * @return it
     * @throws InvalidContextException unless 1-512 safe characters
     */
    public static String causationId(String value) {
        return check("causation id", value, 512, "._:+/=@|~-", "A-Z a-z 0-9 . _ : + / = @ | ~ -");
    }

    /**
     * @param value a causal token
     * @return it
     * @throws InvalidContextException unless 1-128 safe characters
     */
    public static String causalToken(String value) {
        return check("causal token", value, 128, "._:/-", "A-Z a-z 0-9 . _ : / -");
    }

    /**
     * @param value a W3C tracestate
     * @return it
     * @throws InvalidContextException unless at most 512 printable ASCII characters
     */
    public static String traceState(String value) {
        if (value.length() > 512) {
            throw new InvalidContextException("tracestate must be at most 512 characters (was " + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidContextException(
                        "tracestate must be printable ASCII (was " + Text.preview(value) + ")");
            }
        }
        return value;
    }

    private static String check(String what, String value, int max, String extra, String allowed) {
        if (value.isEmpty() || value.length() > max || !Text.onlyAlnumAnd(value, extra)) {
            throw new InvalidContextException(
                    what + " must be 1 to " + max + " characters of " + allowed + " (was " + Text.preview(value) + ")");
        }
        return value;
    }

    private static boolean hexExceptDashes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
