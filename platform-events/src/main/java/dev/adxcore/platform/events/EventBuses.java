package dev.adxcore.platform.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens {@link EventBus}es by URI, choosing the transport through the {@link EventBusProvider}s on the
 * class path: {@code memory:} (this jar), {@code redis://} and {@code rediss://}
 * ({@code dev.adxcore:platform-events-redis}), {@code kafka://} ({@code dev.adxcore:platform-events-kafka}). Note that {@code java.net.URI} rejects a bare
 * {@code "memory:"}: pass the text to {@link #open(String)}, or use {@code URI.create("memory:/")}.
 *
 * <pre>{@code
 * try (EventBus bus = EventBuses.fromEnvironment()) {   // PLATFORM_EVENTS_URL, default memory:
 *     bus.subscribe(EventSubscription.builder("audit", e -> log.info("{}", e)).types("user.*").build());
 *     bus.publish(Event.builder("user.created").data("{}").build()).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>Thread-safe (stateless). Each {@code open} scans the class path's providers and starts a new bus, with its
 * own threads and, for Redis and Kafka, connections: an expensive resource, so open one per service, share it
 * and close it at shutdown.
 *
 * @since 0.1.0
 */
public final class EventBuses {

    /** The environment variable holding the bus URI. */
    public static final String ENV_URL = "PLATFORM_EVENTS_URL";

    private static final Map<String, String> KNOWN_JARS = Map.of(
            "redis", "dev.adxcore:platform-events-redis",
            "rediss", "dev.adxcore:platform-events-redis",
            "kafka", "dev.adxcore:platform-events-kafka");

    private EventBuses() {}

    /**
     * Opens the bus named by {@code PLATFORM_EVENTS_URL}, or an in-memory bus when it is unset or blank.
     *
     * @return a started bus
     */
    public static EventBus fromEnvironment() {
        return fromEnvironment(EventBusOptions.defaults());
    }

    /**
     * Opens the bus named by {@code PLATFORM_EVENTS_URL}, or an in-memory bus when it is unset or blank.
     *
     * @param options transport-independent settings
     * @return a started bus
     */
    public static EventBus fromEnvironment(EventBusOptions options) {
        String url = System.getenv(ENV_URL);
        if (url == null || url.isBlank()) {
            url = "memory:";
        }
        return open(parse(url, ENV_URL), options);
    }

    /**
     * Opens a bus with default options, from the URI's text. Unlike {@link URI#create(String)}, this also
     * accepts a bare scheme such as {@code "memory:"}.
     *
     * @param uri the bus URI, for example {@code "memory:"} or {@code "redis://localhost:6379"}
     * @return a started bus
     * @throws IllegalArgumentException for text that is not a URI, or when no provider supports it (the
     *     message names the jar to add)
     */
    public static EventBus open(String uri) {
        return open(uri, EventBusOptions.defaults());
    }

    /**
     * Opens a bus from the URI's text. Unlike {@link URI#create(String)}, this also accepts a bare scheme
     * such as {@code "memory:"}.
     *
     * @param uri the bus URI, for example {@code "memory:?capacity=50000"}
     * @param options transport-independent settings
     * @return a started bus
     * @throws IllegalArgumentException for text that is not a URI, or when no provider supports it (the
     *     message names the jar to add)
     */
    public static EventBus open(String uri, EventBusOptions options) {
        return open(parse(Objects.requireNonNull(uri, "uri"), "event bus URI"), options);
    }

    /** Parses URI text; a bare {@code scheme:} (not a valid java.net.URI) becomes {@code scheme:/}. */
    static URI parse(String text, String what) {
        String trimmed = text.trim();
        if (trimmed.matches("[A-Za-z][A-Za-z0-9+.-]*:")) {
            trimmed = trimmed + "/";
        }
        try {
            return new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    what + " is not a valid URI (was '" + redact(text) + "'): " + e.getReason(), e);
        }
    }

    /**
     * Opens a bus with default options.
     *
     * @param uri the bus URI
     * @return a started bus
     * @throws IllegalArgumentException when no provider supports the URI (the message names the jar to add)
     */
    public static EventBus open(URI uri) {
        return open(uri, EventBusOptions.defaults());
    }

    /**
     * Opens a bus.
     *
     * @param uri the bus URI
     * @param options transport-independent settings
     * @return a started bus
     * @throws IllegalArgumentException when no provider supports the URI (the message names the jar to add)
     */
    public static EventBus open(URI uri, EventBusOptions options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        List<String> available = new ArrayList<>();
        for (EventBusProvider provider :
                ServiceLoader.load(EventBusProvider.class, EventBuses.class.getClassLoader())) {
            if (provider.supports(uri)) {
                return provider.create(uri, options);
            }
            available.add(provider.getClass().getName());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String jar = KNOWN_JARS.get(scheme);
        String hint = jar != null
                ? "add the dependency " + jar + " to the class path"
                : "supported schemes are memory: (platform-events), redis://, rediss:// (platform-events-redis) and"
                        + " kafka:// (platform-events-kafka)";
        throw new IllegalArgumentException("No EventBusProvider supports '" + redact(uri.toString()) + "': " + hint
                + " (providers found: " + available + ")");
    }

    /** Hides the user-info part (credentials) of a URI string. */
    static String redact(String uri) {
        return uri.replaceAll("(?<=://)[^/@]*@", "***@");
    }
}
