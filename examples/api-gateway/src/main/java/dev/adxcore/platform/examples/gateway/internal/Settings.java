package dev.adxcore.platform.examples.gateway.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parsing helpers for settings read from the environment or the command line. Stateless. */
public final class Settings {

    private Settings() {
    }

    /**
     * Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or an ISO-8601 duration ({@code PT5S}).
     *
     * @param setting the setting's name, for the error message
     * @param value the text
     * @return the duration
     * @throws IllegalArgumentException naming the setting and value when the text is not a duration
     */
    public static Duration duration(String setting, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(setting + " must be a duration such as 500ms, 5s, 2m or PT5S (was '"
                + value + "')");
    }

    /**
     * Formats a duration the way {@link #duration(String, String)} reads it: {@code 1h}, {@code 2m},
     * {@code 5s} or {@code 500ms}, the largest unit that divides it.
     *
     * @param value the duration
     * @return the text
     */
    public static String format(Duration value) {
        long millis = value.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0 && millis > 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /**
     * @param url a URL that may carry a password in its user info, such as a Redis URL
     * @return the URL with the password (or a lone user-info token) replaced by {@code ****}
     */
    public static String maskPassword(java.net.URI url) {
        String info = url.getRawUserInfo();
        if (info == null) {
            return url.toString();
        }
        int colon = info.indexOf(':');
        String masked = colon < 0 ? "****" : info.substring(0, colon) + ":****";
        return url.toString().replace(info + "@", masked + "@");
    }

    /**
     * Parses a whole number.
     *
     * @param setting the setting's name, for the error message
     * @param value the text
     * @return the number
     */
    public static long number(String setting, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be a whole number (was '" + value + "')", e);
        }
    }

    /**
     * Parses {@code true} or {@code false}.
     *
     * @param setting the setting's name, for the error message
     * @param value the text
     * @return the flag
     */
    public static boolean flag(String setting, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(setting + " must be true or false (was '" + value + "')");
    }

    /**
     * Splits a comma-separated list, trimming items and dropping empty ones.
     *
     * @param value the text
     * @return the items
     */
    public static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return items;
    }

    /**
     * Whether {@code value} is an IP address literal (IPv4 dotted quad or IPv6 hex), without any DNS lookup.
     *
     * @param value the text
     * @return true for a literal
     */
    public static boolean isIpLiteral(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (value.indexOf(':') >= 0) {
            return value.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
