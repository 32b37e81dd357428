package dev.adxcore.platform.observability.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times HTTP server requests in the timer {@code http.server.requests} with tags that can never explode,
 * and counts requests in flight in the gauge {@code http.server.requests.active}.
 *
 * <pre>{@code
 * HttpServerMetrics metrics = HttpServerMetrics.builder(registry)
 *         .routes(List.of("/orders", "/orders/{id}"))
 *         .build();
 * HttpServerMetrics.Sample sample = metrics.start();
 * ... handle the request; the router knows the matched template, or null when nothing matched ...
 * sample.stop("GET", "/orders/{id}", 200);
 * }</pre>
 *
 * <p><b>Tags.</b> {@code method}: one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT,
 * else {@code OTHER}. {@code uri}: the route template when it is one of the configured
 * {@link Builder#routes(Collection) routes}, else {@code UNKNOWN} — a raw path, an id or a tenant id is
 * never a tag value, so 10,000 distinct paths still make one {@code UNKNOWN} series. {@code status}: the
 * code when it is 100..599, else {@code UNKNOWN}. {@code outcome}: INFORMATIONAL, SUCCESS, REDIRECTION,
 * CLIENT_ERROR, SERVER_ERROR or UNKNOWN. The number of series is therefore bounded by
 * methods × (routes + 1) × statuses.
 *
 * <p><b>Cost.</b> Timers are looked up in an array cache, so recording a request costs about as much as a
 * bare {@link Timer#record(Duration)} (see the benchmarks). <b>Safety.</b> Recording never throws into the
 * caller: a failing meter is logged once at WARN and then ignored.
 *
 * <p>Thread-safe; create one per registry and server and share it.
 *
 * @since 0.1.0
 */
public final class HttpServerMetrics {

    /** The timer's name. */
    public static final String METRIC_NAME = "http.server.requests";
    /** The active-requests gauge's name. */
    public static final String ACTIVE_METRIC_NAME = "http.server.requests.active";
    /** The {@code uri} tag value of requests whose route is unknown or not configured. */
    public static final String UNKNOWN_ROUTE = "UNKNOWN";

    private static final Logger log = LoggerFactory.getLogger(HttpServerMetrics.class);
    private static final String[] METHODS = {
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "OTHER"
    };
    private static final int OTHER_METHOD = METHODS.length - 1;
    private static final int MIN_STATUS = 100;
    private static final int STATUS_SLOTS = 501; // 100..599 plus one for UNKNOWN
    private static final int UNKNOWN_STATUS = STATUS_SLOTS - 1;

    private final MeterRegistry registry;
    private final Map<String, Integer> routeIndex;
    private final String[] routes;
    private final AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable Timer>> timers;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private HttpServerMetrics(Builder b) {
        this.registry = b.registry;
        this.routes = new String[b.routes.size() + 1];
        this.routeIndex = new HashMap<>();
        for (int i = 0; i < b.routes.size(); i++) {
            routes[i] = b.routes.get(i);
            routeIndex.put(routes[i], i);
        }
        routes[routes.length - 1] = UNKNOWN_ROUTE;
        this.timers = new AtomicReferenceArray<>(METHODS.length * routes.length);
        Gauge.builder(ACTIVE_METRIC_NAME, active, AtomicInteger::get)
                .description("HTTP server requests in flight")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Starts configuring the helper.
     *
     * @param registry where the meters live
     * @return a builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Marks the start of a request and increments the active-requests gauge.
     *
     * @return the sample to {@link Sample#stop(String, String, int) stop} when the response is sent
     */
    public Sample start() {
        active.incrementAndGet();
        return new Sample(System.nanoTime());
    }

    /**
     * Records a finished request. Never throws.
     *
     * @param method the HTTP method as received
     * @param routeTemplate the matched route template (such as {@code /orders/{id}}), or null when no
     *        route matched; values that are not configured routes are recorded as {@code UNKNOWN}
     * @param status the response status code
     * @param duration how long the request took
     */
    public void record(@Nullable String method, @Nullable String routeTemplate, int status, Duration duration) {
        if (duration == null) {
            return;
        }
        recordNanos(method, routeTemplate, status, duration.toNanos());
    }

    /**
     * Records a finished request, like {@link #record(String, String, int, Duration)} without allocating
     * a {@link Duration}. Never throws.
     *
     * @param method the HTTP method as received
     * @param routeTemplate the matched route template, or null
     * @param status the response status code
     * @param nanos how long the request took, in nanoseconds
     */
    public void recordNanos(@Nullable String method, @Nullable String routeTemplate, int status, long nanos) {
        try {
            timer(methodIndex(method), routeIndex(routeTemplate), statusIndex(status))
                    .record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                log.warn("Could not record {} (further failures are logged at DEBUG)", METRIC_NAME, e);
            } else {
                log.debug("Could not record {}", METRIC_NAME, e);
            }
        }
    }

    /**
     * The number of requests started and not yet stopped.
     *
     * @return the active-requests gauge's value
     */
    public int activeRequests() {
        return active.get();
    }

    private Timer timer(int method, int route, int status) {
        int slot = method * routes.length + route;
        AtomicReferenceArray<@Nullable Timer> byStatus = timers.get(slot);
        if (byStatus == null) {
            timers.compareAndSet(slot, null, new AtomicReferenceArray<>(STATUS_SLOTS));
            byStatus = Objects.requireNonNull(timers.get(slot));
        }
        Timer timer = byStatus.get(status);
        if (timer == null) {
            // Registering twice returns the same meter, so a race only costs a lookup.
            timer = Timer.builder(METRIC_NAME)
                    .description("HTTP server requests")
                    .tags(Tags.of(
                            "method",
                            METHODS[method],
                            "uri",
                            routes[route],
                            "status",
                            statusTag(status),
                            "outcome",
                            outcome(status)))
                    .register(registry);
            byStatus.set(status, timer);
        }
        return timer;
    }

    private static int methodIndex(@Nullable String method) {
        if (method == null) {
            return OTHER_METHOD;
        }
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "PATCH" -> 4;
            case "DELETE" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            case "CONNECT" -> 8;
            default -> OTHER_METHOD;
        };
    }

    private int routeIndex(@Nullable String routeTemplate) {
        if (routeTemplate == null) {
            return routes.length - 1;
        }
        Integer i = routeIndex.get(routeTemplate);
        return i == null ? routes.length - 1 : i;
    }

    private static int statusIndex(int status) {
        return status >= MIN_STATUS && status < MIN_STATUS + UNKNOWN_STATUS ? status - MIN_STATUS : UNKNOWN_STATUS;
    }

    private static String statusTag(int statusIndex) {
        return statusIndex == UNKNOWN_STATUS ? "UNKNOWN" : Integer.toString(statusIndex + MIN_STATUS);
    }

    private static String outcome(int statusIndex) {
        if (statusIndex == UNKNOWN_STATUS) {
            return "UNKNOWN";
        }
        return switch ((statusIndex + MIN_STATUS) / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            default -> "SERVER_ERROR";
        };
    }

    /**
     * One request in flight. Stop it exactly once; later stops are ignored. Thread-safe.
     *
     * @since 0.1.0
     */
    public final class Sample {
        private final long startNanos;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private Sample(long startNanos) {
            this.startNanos = startNanos;
        }

        /**
         * Records the request and decrements the active-requests gauge. Never throws.
         *
         * @param method the HTTP method as received
         * @param routeTemplate the matched route template, or null when no route matched
         * @param status the response status code
         * @return the request's duration in nanoseconds (0 when the sample was already stopped)
         */
        public long stop(@Nullable String method, @Nullable String routeTemplate, int status) {
            if (!stopped.compareAndSet(false, true)) {
                return 0;
            }
            long nanos = System.nanoTime() - startNanos;
            active.decrementAndGet();
            recordNanos(method, routeTemplate, status, nanos);
            return nanos;
        }
    }

    /**
     * Configures {@link HttpServerMetrics}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final MeterRegistry registry;
        private final List<String> routes = new ArrayList<>();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The route templates of the server, such as {@code /orders/{id}}: the only values the {@code uri}
         * tag takes besides {@code UNKNOWN}. Adds to routes given earlier.
         *
         * @param routeTemplates templates (non-blank, unique, at most 1000 in total)
         * @return this builder
         */
        public Builder routes(Collection<String> routeTemplates) {
            Objects.requireNonNull(routeTemplates, "routeTemplates");
            for (String r : routeTemplates) {
                routes.add(Objects.requireNonNull(r, "route template"));
            }
            return this;
        }

        /**
         * Validates the routes and creates the helper (registering the active-requests gauge).
         *
         * @return the helper
         * @throws IllegalArgumentException for a blank, duplicate or reserved route, or more than 1000
         */
        public HttpServerMetrics build() {
            if (routes.size() > 1000) {
                throw new IllegalArgumentException("routes must hold at most 1000 templates (was " + routes.size()
                        + "); pass route templates such as /orders/{id}, not raw paths");
            }
            Set<String> seen = new HashSet<>();
            for (String r : routes) {
                if (r.isBlank()) {
                    throw new IllegalArgumentException("route template must not be blank (was '" + r + "')");
                }
                if (r.equals(UNKNOWN_ROUTE)) {
                    throw new IllegalArgumentException("route template must not be '" + UNKNOWN_ROUTE
                            + "': that value is reserved for unmatched requests");
                }
                if (!seen.add(r)) {
                    throw new IllegalArgumentException("route template '" + r + "' is listed twice; list each once");
                }
            }
            return new HttpServerMetrics(this);
        }
    }
}
