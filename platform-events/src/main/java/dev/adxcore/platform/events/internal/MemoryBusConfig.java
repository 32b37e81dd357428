package dev.adxcore.platform.events.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of an in-memory bus, read from its URI: {@code memory:?capacity=10000&whenFull=block}.
 *
 * <ul>
 *   <li>{@code capacity}: events buffered per subscription id (queued, running or waiting to be
 *       retried), 1 to 10,000,000; default 10,000.</li>
 *   <li>{@code whenFull}: {@code block} (default) waits up to {@code EventBusOptions.publishTimeout} for
 *       room, then fails the publish; {@code fail} fails it at once. Either way the stage completes with
 *       {@code EventPublishException}.</li>
 *   <li>{@code deadLetterCapacity}: dead letters kept per subscription id, oldest dropped first, 1 to
 *       10,000,000; default 10,000.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; cheap to parse: it validates every parameter (no I/O).
 *
 * @param capacity
 * events buffered per subscription id
 * @param blockWhenFull whether a publish waits for room
 * @param deadLetterCapacity dead letters kept per subscription id
 */
public record MemoryBusConfig(int capacity, boolean blockWhenFull, int deadLetterCapacity) {

    private static final Set<String> KNOWN = Set.of("capacity", "whenFull", "deadLetterCapacity");
    private static final int MAX = 10_000_000;

    /** @return the defaults: capacity 10,000, block when full, 10,000 dead letters */
    public static MemoryBusConfig defaults() {
        return new MemoryBusConfig(10_000, true, 10_000);
    }

    /**
     * Reads the settings from a {@code memory:} URI.
     *
     * @param uri the URI
     * @return the settings
     * @throws IllegalArgumentException naming the bad parameter and value
     */
    public static MemoryBusConfig parse(URI uri) {
        if (!"memory".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a memory: URI (was '" + uri + "')");
        }
        String ssp = uri.getRawSchemeSpecificPart();
        int q = ssp == null ? -1 : ssp.indexOf('?');
        String query = uri.getRawQuery() != null ? uri.getRawQuery() : q < 0 ? "" : ssp.substring(q + 1);
        int capacity = 10_000;
        boolean block = true;
        int deadLetterCapacity = 10_000;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "capacity" -> capacity = intParam(name, value);
                case "deadLetterCapacity" -> deadLetterCapacity = intParam(name, value);
                case "whenFull" -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "block" -> block = true;
                        case "fail" -> block = false;
                        default ->
                            throw new IllegalArgumentException(
                                    "whenFull must be 'block' or 'fail' in the memory: URI (was '" + value + "')");
                    }
                }
                default ->
                    throw new IllegalArgumentException("unknown parameter '" + name + "' in the memory: URI (known: "
                            + String.join(", ", KNOWN.stream().sorted().toList()) + ")");
            }
        }
        return new MemoryBusConfig(capacity, block, deadLetterCapacity);
    }

    private static int intParam(String name, String value) {
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be an integer between 1 and " + MAX + " in the memory: URI (was '" + value + "')", e);
        }
        if (v < 1 || v > MAX) {
            throw new IllegalArgumentException(
                    name + " must be between 1 and " + MAX + " in the memory: URI (was " + v + ")");
        }
        return v;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
