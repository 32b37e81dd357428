package dev.adxcore.platform.test.internal;

import java.util.regex.Pattern;

/**
 * Masks secrets in server URLs before they reach a message, a log line or {@code toString()}. Thread-safe
 * (stateless); each call costs two regex passes.
 */
public final class Urls {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^/@:]*:)[^/@]*@");

    private Urls() {}

    /**
     * Replaces passwords in {@code url} (a {@code password=} parameter or {@code user:password@}) with {@code ****}.
     *
     * @param url any URL
     * @return the masked URL
     */
    public static String mask(String url) {
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        return USER_INFO_PASSWORD.matcher(masked).replaceAll("$1****@");
    }
}
