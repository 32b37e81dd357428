package dev.adxcore.platform.events.redis.internal;

import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the bus settings from a redis URI's query and masks credentials. Internal. Thread-safe (stateless);
 * cheap: parsing costs string work only, once per bus.
 */
public final class UriParameters {

    /** Query parameters that Lettuce reads itself and that pass through unchanged. */
    private static final Set<String> LETTUCE =
            Set.of("timeout", "database", "db", "clientName", "libraryName", "libraryVersion", "verifyPeer");

    private static final List<String> BUS = List.of(
            "streamKeyPrefix",
            "maxStreamLength",
            "blockTime",
            "batchSize",
            "consumerName",
            "minIdleBeforeReclaim",
            "maxDeliveries",
            "handlerConcurrency");

    private UriParameters() {}

    /**
     * Applies the URI's bus parameters to the builder and sets the URI without them as the Redis URI.
     *
     * @param uri the bus URI
     * @param b the builder
     * @return the builder
     */
    public static RedisEventBusConfig.Builder apply(URI uri, RedisEventBusConfig.Builder b) {
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("redis URI must look like redis://host:6379 (was '" + mask(uri) + "')");
        }
        List<String> kept = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (LETTUCE.contains(name)) {
                    kept.add(pair);
                } else if (BUS.contains(name)) {
                    set(b, name, value);
                } else {
                    throw new IllegalArgumentException(
                            "unknown redis URI parameter '" + name + "' (bus parameters: " + String.join(", ", BUS)
                                    + "; connection parameters: timeout, database, clientName, verifyPeer)");
                }
            }
        }
        try {
            URI stripped = new URI(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath(), null, null);
            String text = stripped.toString() + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
            b.redisUri(URI.create(text));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redis URI is malformed (was '" + mask(uri) + "'): " + e.getReason(), e);
        }
        return b;
    }

    private static void set(RedisEventBusConfig.Builder b, String name, String value) {
        switch (name) {
            case "streamKeyPrefix" -> wrap(name, () -> b.streamKeyPrefix(value));
            case "maxStreamLength" -> wrap(name, () -> b.maxStreamLength(parseLong(name, value)));
            case "blockTime" -> wrap(name, () -> b.blockTime(parseDuration(name, value)));
            case "batchSize" -> wrap(name, () -> b.batchSize(parseInt(name, value)));
            case "consumerName" -> wrap(name, () -> b.consumerName(value.isEmpty() ? null : value));
            case "minIdleBeforeReclaim" -> wrap(name, () -> b.minIdleBeforeReclaim(parseDuration(name, value)));
            case "maxDeliveries" -> wrap(name, () -> b.maxDeliveries(parseInt(name, value)));
            case "handlerConcurrency" -> wrap(name, () -> b.handlerConcurrency(parseInt(name, value)));
            default -> throw new IllegalStateException(name);
        }
    }

    private static void wrap(String name, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(
                    m != null && m.startsWith("redis URI parameter") ? m : "redis URI parameter " + m, e);
        }
    }

    private static int parseInt(String name, String value) {
        long v = parseLong(name, value);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(
                    "redis URI parameter " + name + " must be an integer (was '" + value + "')");
        }
        return (int) v;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "redis URI parameter " + name + " must be an integer (was '" + value + "')", e);
        }
    }

    /**
     * Parses {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 durations.
     *
     * @param name the parameter, for messages
     * @param value the text
     * @return the duration
     */
    static Duration parseDuration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("redis URI parameter " + name
                + " must be a duration such as 250ms, 2s, 5m or PT2S (was '" + value + "')");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The URI with its user-info (credentials) replaced by {@code ***}.
     *
     * @param uri a URI
     * @return the masked text
     */
    public static String mask(URI uri) {
        return mask(uri.toString());
    }

    /**
     * Masks the user-info part of a URI string.
     *
     * @param uri a URI string
     * @return the masked text
     */
    public static String mask(String uri) {
        return uri.replaceAll("(?<=://)[^/@?#]*@", "***@");
    }
}
