package dev.adxcore.platform.core;

import dev.adxcore.platform.core.internal.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of configuration for every platform jar: named text settings from the environment and system
 * properties, a map, or a URI's query, parsed by one set of rules with exact error messages.
 *
 * <pre>{@code
 * Settings env = Settings.fromEnvironment();
 * Duration timeout = env.duration("PLATFORM_DB_ACQUIRE_TIMEOUT").orElse(Duration.ofSeconds(2));
 * int max = env.integer("PLATFORM_DB_MAX_CONNECTIONS").orElse(10);
 *
 * Settings query = Settings.fromUriQuery(URI.create("redis://cache:6379?blockTime=200ms&batchSize=64"));
 * query.requireOnly(Set.of("blockTime", "batchSize"), "redis URI parameter");
 * }</pre>
 *
 * <h2>The rules</h2>
 * <ul>
 *   <li><b>Lookup.</b> {@link #fromEnvironment()} reads a system property first, named like the variable in
 *       lower case with dots ({@code PLATFORM_DB_PRIMARY_URL} is also {@code -Dplatform.db.primary.url}), then the
 *       environment variable. Values are trimmed; a blank value counts as absent.</li>
 *   <li><b>Durations</b> ({@link #parseDuration}): ISO-8601 ({@code PT30S}, {@code PT0.5S}, {@code P1D}, any
 *       case) or a whole number with a unit: {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m},
 *       {@code h}, {@code d} ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}). A bare number is refused,
 *       because it is ambiguous (seconds? milliseconds?); so is a negative duration.</li>
 *   <li><b>Numbers</b>: decimal integers; <b>booleans</b>: {@code true} or {@code false} in any case;
 *       <b>lists</b>: comma-separated, items trimmed, empty items dropped; <b>enums</b>: the constant's name in
 *       any case, {@code -} and {@code _} alike; <b>URIs</b>: {@link URI#create} syntax.</li>
 *   <li><b>Errors</b> are {@link IllegalArgumentException}s that name the setting, show the value (credentials
 *       masked, hostile text not shown) and say what is expected.</li>
 * </ul>
 *
 * <p>The {@code fromEnvironment()} of the configuration types ({@code DatabaseConfig}, {@code OutboxRelayConfig},
 * {@code TemporalConfig}, {@code HealthRegistry}, {@code ManagementServer}) read through this class and return
 * that type's <em>builder</em>, filled from the environment: override what code decides, then {@code build()}
 * validates everything together. Nothing is connected or started by them. {@code EventBuses.fromEnvironment()}
 * is the one factory of that name that opens something (a bus, from {@code PLATFORM_EVENTS_URL}): a bus has no
 * configuration type of its own, its URI is its configuration.
 *
 * <p>Immutable and thread-safe. A settings object built from the environment reads it at each call (system
 * properties can change in tests); the others hold a copy. Creating one is cheap (a map copy at most); each
 * lookup is a map, system-property or environment read and a parse, with no I/O.
 *
 * @since 0.1.0
 */
public final class Settings {

    private final @Nullable Map<String, String> values;
    private final String kind;

    private Settings(@Nullable Map<String, String> values, String kind) {
        this.values = values;
        this.kind = kind;
    }

    /**
     * The process's environment variables and system properties (a property wins over a variable).
     *
     * @return settings that read the environment at each call
     * @since 0.1.0
     */
    public static Settings fromEnvironment() {
        return new Settings(null, "environment variable");
    }

    /**
     * Settings from a map (tests, or values read elsewhere), keyed like environment variables.
     *
     * @param values names to values; copied
     * @return the settings
     * @since 0.1.0
     */
    public static Settings of(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        return new Settings(Collections.unmodifiableMap(new LinkedHashMap<>(values)), "setting");
    }

    /**
     * The query parameters of a URI as settings (names as written, values percent-decoded). A parameter without
     * {@code =} has the empty value.
     *
     * @param uri the URI
     * @return the settings
     * @throws IllegalArgumentException when a parameter is given twice (the message names it)
     * @since 0.1.0
     */
    public static Settings fromUriQuery(URI uri) {
        Objects.requireNonNull(uri, "uri");
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (params.put(name, value) != null) {
                    throw new IllegalArgumentException("URI parameter '" + name + "' is given twice in "
                            + Secrets.maskUri(uri) + "; give it once");
                }
            }
        }
        return new Settings(Collections.unmodifiableMap(params), "URI parameter");
    }

    /**
     * A URI without the query parameters that {@code drop} selects (for example the parameters a library reads
     * itself are kept and the SDK's own are dropped before the URI is handed on). Parameters keep their
     * original encoding and order.
     *
     * @param uri the URI
     * @param drop selects parameter names (decoded) to remove
     * @return the URI without them (and without {@code ?} when none is left)
     * @since 0.1.0
     */
    public static URI withoutParameters(URI uri, Predicate<String> drop) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(drop, "drop");
        String query = uri.getRawQuery();
        if (query == null) {
            return uri;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (!drop.test(decode(eq < 0 ? pair : pair.substring(0, eq)))) {
                kept.add(pair);
            }
        }
        String text = uri.toString();
        int q = text.indexOf('?');
        int hash = text.indexOf('#', q);
        String base = text.substring(0, q);
        String fragment = hash < 0 ? "" : text.substring(hash);
        try {
            return new URI(base + (kept.isEmpty() ? "" : "?" + String.join("&", kept)) + fragment);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "URI is malformed (was " + Secrets.maskUri(uri) + "): " + e.getReason(), e);
        }
    }

    /**
     * The names this source holds: every key of a map or URI query; for the environment, the variables starting
     * with {@code PLATFORM_} and the system properties starting with {@code platform.} (as variable names).
     *
     * @return the names, sorted
     * @since 0.1.0
     */
    public Set<String> names() {
        if (values != null) {
            return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
        }
        Set<String> names = new TreeSet<>();
        for (String name : System.getenv().keySet()) {
            if (name.startsWith("PLATFORM_")) {
                names.add(name);
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("platform.")) {
                names.add(name.toUpperCase(Locale.ROOT).replace('.', '_'));
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Refuses names that are not known: for URI queries and maps, where a typo must not pass silently.
     *
     * @param known the accepted names
     * @param what how a name is called in the message, for example {@code "redis URI parameter"}
     * @throws IllegalArgumentException naming the first unknown name and listing the known ones
     * @since 0.1.0
     */
    public void requireOnly(Collection<String> known, String what) {
        for (String name : names()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown " + what + " '" + name + "' (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    /**
     * The system property name that {@link #fromEnvironment()} reads for a variable name.
     *
     * @param name a variable name such as {@code PLATFORM_DB_PRIMARY_URL}
     * @return for example {@code platform.database.url}
     * @since 0.1.0
     */
    public static String propertyName(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * A text setting.
     *
     * @param name the setting's name
     * @return the trimmed value, or empty when absent or blank
     * @since 0.1.0
     */
    public Optional<String> string(String name) {
        Objects.requireNonNull(name, "name");
        String raw;
        if (values != null) {
            raw = values.get(name);
        } else {
            raw = System.getProperty(propertyName(name));
            if (raw == null || raw.isBlank()) {
                raw = System.getenv(name);
            }
        }
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(raw.trim());
    }

    /**
     * A text setting that must be present.
     *
     * @param name the setting's name
     * @return the trimmed value
     * @throws IllegalArgumentException when absent or blank
     * @since 0.1.0
     */
    public String require(String name) {
        return string(name)
                .orElseThrow(() -> new IllegalArgumentException(describe(name) + " is required but not set"));
    }

    /**
     * A duration setting (see the class comment for the grammar).
     *
     * @param name the setting's name
     * @return the duration, or empty when absent
     * @throws IllegalArgumentException when present but malformed
     * @since 0.1.0
     */
    public Optional<Duration> duration(String name) {
        return string(name).map(v -> parseDuration(describe(name), v));
    }

    /**
     * An integer setting.
     *
     * @param name the setting's name
     * @return the number, or empty when absent
     * @throws IllegalArgumentException when present but not a decimal {@code int}
     * @since 0.1.0
     */
    public Optional<Integer> integer(String name) {
        return string(name).map(v -> parseInt(describe(name), v));
    }

    /**
     * A long integer setting.
     *
     * @param name the setting's name
     * @return the number, or empty when absent
     * @throws IllegalArgumentException when present but not a decimal {@code long}
     * @since 0.1.0
     */
    public Optional<Long> longInteger(String name) {
        return string(name).map(v -> parseLong(describe(name), v));
    }

    /**
     * A boolean setting.
     *
     * @param name the setting's name
     * @return the value, or empty when absent
     * @throws IllegalArgumentException when present but neither {@code true} nor {@code false}
     * @since 0.1.0
     */
    public Optional<Boolean> bool(String name) {
        return string(name).map(v -> parseBoolean(describe(name), v));
    }

    /**
     * A comma-separated list setting.
     *
     * @param name the setting's name
     * @return the trimmed, non-empty items; an empty list when absent
     * @since 0.1.0
     */
    public List<String> list(String name) {
        return string(name).map(Settings::parseList).orElse(List.of());
    }

    /**
     * An enum setting.
     *
     * @param name the setting's name
     * @param type the enum type
     * @param <E> the enum type
     * @return the constant, or empty when absent
     * @throws IllegalArgumentException when present but not a constant's name; the message lists them
     * @since 0.1.0
     */
    public <E extends Enum<E>> Optional<E> enumValue(String name, Class<E> type) {
        return string(name).map(v -> parseEnum(describe(name), v, type));
    }

    /**
     * A URI setting.
     *
     * @param name the setting's name
     * @return the URI, or empty when absent
     * @throws IllegalArgumentException when present but not a URI (the value is shown with credentials masked)
     * @since 0.1.0
     */
    public Optional<URI> uri(String name) {
        return string(name).map(v -> parseUri(describe(name), v));
    }

    /**
     * How a setting is named in messages.
     *
     * @param name the setting's name
     * @return for example {@code PLATFORM_X (environment variable, or -Dplatform.x)} or
     *     {@code URI parameter 'blockTime'}
     * @since 0.1.0
     */
    public String describe(String name) {
        if (values == null) {
            return name + " (-D" + propertyName(name) + " or environment variable)";
        }
        return kind.equals("URI parameter") ? "URI parameter '" + name + "'" : name;
    }

    /**
     * Parses a duration by the one grammar of the SDK (see the class comment).
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @return the duration, never negative
     * @throws IllegalArgumentException naming the setting and the value when it cannot be parsed
     * @since 0.1.0
     */
    public static Duration parseDuration(String setting, String text) {
        String t = text.trim();
        if (!t.isEmpty() && allDigits(t, t.charAt(0) == '-' ? 1 : 0)) {
            throw new IllegalArgumentException(
                    setting + " must be a duration with a unit, such as 500ms, 30s, 5m, 1h " + "or PT30S (was "
                            + Text.preview(text) + ": a bare number is ambiguous, write " + t + "s or " + t + "ms)");
        }
        Duration d = null;
        try {
            if (!t.isEmpty()
                    && (t.charAt(0) == 'P' || t.charAt(0) == 'p' || t.startsWith("-P") || t.startsWith("-p"))) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else {
                int unitAt = 0;
                while (unitAt < t.length()
                        && (Character.isDigit(t.charAt(unitAt)) || (unitAt == 0 && t.charAt(0) == '-'))) {
                    unitAt++;
                }
                if (unitAt > 0 && unitAt < t.length()) {
                    long n = Long.parseLong(t.substring(0, unitAt));
                    String unit = t.substring(unitAt).toLowerCase(Locale.ROOT);
                    d = switch (unit) {
                        case "ns" -> Duration.ofNanos(n);
                        case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1_000L));
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> null;
                    };
                }
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null) {
            throw new IllegalArgumentException(setting + " must be a duration such as 500ms, 30s, 5m, 1h or PT30S (was "
                    + Text.preview(text) + ")");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative (was " + Text.preview(text) + ")");
        }
        return d;
    }

    /**
     * Writes a duration the way the grammar reads it, in the largest unit that keeps it exact.
     *
     * @param d the duration
     * @return for example {@code 2s}, {@code 1500ms}, {@code 5m}, {@code 250us}
     * @since 0.1.0
     */
    public static String formatDuration(Duration d) {
        if (d.isNegative()) {
            return d.toString();
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos != 0 && nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    /**
     * Parses a decimal {@code int}.
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @return the number
     * @throws IllegalArgumentException when it is not one
     * @since 0.1.0
     */
    public static int parseInt(String setting, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be a whole number (was " + Text.preview(text) + ")");
        }
    }

    /**
     * Parses a decimal {@code long}.
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @return the number
     * @throws IllegalArgumentException when it is not one
     * @since 0.1.0
     */
    public static long parseLong(String setting, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be a whole number (was " + Text.preview(text) + ")");
        }
    }

    /**
     * Parses {@code true} or {@code false}, in any case.
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @return the value
     * @throws IllegalArgumentException for anything else
     * @since 0.1.0
     */
    public static boolean parseBoolean(String setting, String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(setting + " must be true or false (was " + Text.preview(text) + ")");
    }

    /**
     * Splits a comma-separated list.
     *
     * @param text the value
     * @return the trimmed, non-empty items
     * @since 0.1.0
     */
    public static List<String> parseList(String text) {
        List<String> items = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String item = part.trim();
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return Collections.unmodifiableList(items);
    }

    /**
     * Parses an enum constant by name (any case, {@code -} and {@code _} alike).
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @param type the enum type
     * @param <E> the enum type
     * @return the constant
     * @throws IllegalArgumentException when no constant has that name; the message lists them
     * @since 0.1.0
     */
    public static <E extends Enum<E>> E parseEnum(String setting, String text, Class<E> type) {
        String wanted = text.trim().replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(setting + " must be one of "
                + Arrays.stream(type.getEnumConstants())
                        .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .collect(Collectors.joining(", "))
                + " (was " + Text.preview(text) + ")");
    }

    /**
     * Parses a URI.
     *
     * @param setting how the setting is named in the error message
     * @param text the value
     * @return the URI
     * @throws IllegalArgumentException when it is not one (the value shown with credentials masked)
     * @since 0.1.0
     */
    public static URI parseUri(String setting, String text) {
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    setting + " must be a URI (was '" + Secrets.maskUri(text.trim()) + "': " + e.getReason() + ")");
        }
    }

    private static boolean allDigits(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("URI query has a malformed percent-escape in " + Text.preview(s), e);
        }
    }

    @Override
    public String toString() {
        if (values == null) {
            return "Settings{environment and system properties}";
        }
        StringBuilder sb = new StringBuilder("Settings{");
        boolean first = true;
        for (Map.Entry<String, String> e : values.entrySet()) {
            sb.append(first ? "" : ", ")
                    .append(e.getKey())
                    .append('=')
                    .append(
                            Secrets.isSecretName(e.getKey())
                                    ? Secrets.mask(e.getValue())
                                    : Secrets.maskUri(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }
}
