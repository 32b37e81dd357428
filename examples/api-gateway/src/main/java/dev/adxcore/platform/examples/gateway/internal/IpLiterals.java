package dev.adxcore.platform.examples.gateway.internal;

/** IP address literals in settings (trusted proxies), recognised without any DNS lookup. Stateless. */
public final class IpLiterals {

    private IpLiterals() {}

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
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
