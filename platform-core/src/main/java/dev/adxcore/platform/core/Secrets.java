package dev.adxcore.platform.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Masks credentials before anything reaches a log line, an exception message, a {@code toString()} or a
 * health report: the one implementation every platform jar uses.
 *
 * <pre>{@code
 * Secrets.maskUri("redis://app:s3cret@cache:6379/0")          // redis://app:****@cache:6379/0
 * Secrets.maskUri("redis://s3cret@cache:6379")                // redis://****@cache:6379
 * Secrets.maskUri("jdbc:postgresql://db/app?user=a&password=x&sslpassword=y")
 *                                                             // ...?user=a&password=****&sslpassword=****
 * Secrets.mask(config.password())                             // **** (or <empty>, <none>)
 * }</pre>
 *
 * <p>A parameter is secret when its name contains {@code password}, {@code passwd}, {@code pwd},
 * {@code secret}, {@code token}, {@code apikey}, {@code api_key}, {@code api-key}, {@code credential} or
 * {@code jaas} (any case). User-info without a colon is masked whole, because Redis URIs put a bare password
 * there. Thread-safe (stateless); each call costs at most two precompiled regex passes over the text (no I/O), so
 * mask once when a value is logged, not per record.
 *
 * @since 0.1.0
 */
public final class Secrets {

    /** What a masked value is replaced by. */
    public static final String MASK = "****";

    private static final String SECRET_WORDS =
            "password|passwd|pwd|secret|token|apikey|api_key|api-key|credential|jaas";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(" + SECRET_WORDS + ").*");
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)([^/@?#\\s]*)@");
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)([?&;][a-z0-9._-]*(?:" + SECRET_WORDS + ")[a-z0-9._-]*=)[^&;#\\s]*");

    private Secrets() {}

    /**
     * Masks the password in a URI's user-info and the values of secret query parameters.
     *
     * @param uri a URI or URL in text form (JDBC URLs included), possibly null
     * @return the masked text ({@code "null"} for null)
     * @since 0.1.0
     */
    public static String maskUri(@Nullable CharSequence uri) {
        if (uri == null) {
            return "null";
        }
        Matcher m = USER_INFO.matcher(uri);
        StringBuilder out = new StringBuilder(uri.length());
        while (m.find()) {
            String info = m.group(1);
            int colon = info.indexOf(':');
            String masked = colon < 0 ? MASK : info.substring(0, colon + 1) + MASK;
            m.appendReplacement(out, Matcher.quoteReplacement(masked + "@"));
        }
        m.appendTail(out);
        return SECRET_PARAM.matcher(out).replaceAll("$1" + MASK);
    }

    /**
     * Masks the password in a URI's user-info and the values of secret query parameters.
     *
     * @param uri a URI, possibly null
     * @return the masked text ({@code "null"} for null)
     * @since 0.1.0
     */
    public static String maskUri(java.net.@Nullable URI uri) {
        return maskUri(uri == null ? null : uri.toString());
    }

    /**
     * How a secret value is shown.
     *
     * @param secret the secret, possibly null or empty
     * @return {@code <none>} for null, {@code <empty>} for an empty string, else {@value #MASK}
     * @since 0.1.0
     */
    public static String mask(@Nullable CharSequence secret) {
        if (secret == null) {
            return "<none>";
        }
        return secret.length() == 0 ? "<empty>" : MASK;
    }

    /**
     * Whether a setting or parameter name denotes a secret.
     *
     * @param name the name
     * @return true when it contains one of the secret words (any case)
     * @since 0.1.0
     */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }
}
