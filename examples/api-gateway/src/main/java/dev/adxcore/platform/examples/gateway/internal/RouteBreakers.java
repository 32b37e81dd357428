package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.examples.gateway.GatewayConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per route, named after the route, with the settings of
 * {@link GatewayConfig#circuitBreaker()}. Failures are connection failures, timeouts and 502/503/504
 * answers; anything else the upstream answers (including other 5xx) is a success for the breaker,
 * because it proves the upstream is there.
 *
 * <p>Metrics: Resilience4j's {@code resilience4j.circuitbreaker.state{name=<route>,state=...}},
 * {@code resilience4j.circuitbreaker.calls{name,kind}} and friends, tagged by route name only.
 * State changes are logged once (WARN when a breaker opens, INFO when it closes).
 *
 * <p>Thread-safe; checking a breaker is a few atomic operations.
 */
public final class RouteBreakers {

    private static final Logger log = LoggerFactory.getLogger(RouteBreakers.class);

    private final Map<String, CircuitBreaker> byRoute = new HashMap<>();
    private final Map<String, Long> openedAtNanos = new java.util.concurrent.ConcurrentHashMap<>();
    private final Duration openDuration;

    /**
     * @param config the gateway configuration (routes and breaker settings; must be enabled)
     * @param registry where the breaker meters are registered
     */
    public RouteBreakers(GatewayConfig config, MeterRegistry registry) {
        GatewayConfig.CircuitBreakerSettings s = config.circuitBreaker();
        this.openDuration = s.openDuration();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize((int) s.window().toSeconds())
                .minimumNumberOfCalls(s.minimumCalls())
                .failureRateThreshold(s.failureRatePercent())
                .waitDurationInOpenState(s.openDuration())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(breakerConfig);
        for (GatewayConfig.Route route : config.routes().values()) {
            CircuitBreaker breaker = breakers.circuitBreaker(route.name());
            breaker.getEventPublisher().onStateTransition(e -> {
                CircuitBreaker.State to = e.getStateTransition().getToState();
                if (to == CircuitBreaker.State.OPEN) {
                    openedAtNanos.put(route.name(), System.nanoTime());
                    log.warn(
                            "Circuit breaker of route '{}' opened ({}): requests get 503 for {}",
                            route.name(),
                            e.getStateTransition(),
                            s.openDuration());
                } else if (to == CircuitBreaker.State.HALF_OPEN) {
                    log.info("Circuit breaker of route '{}' is half-open: probing the upstream", route.name());
                } else if (to == CircuitBreaker.State.CLOSED) {
                    log.info("Circuit breaker of route '{}' closed: the upstream recovered", route.name());
                }
            });
            byRoute.put(route.name(), breaker);
        }
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    }

    /**
     * @param route a configured route
     * @return its breaker, or null for an unknown route
     */
    public @Nullable CircuitBreaker of(GatewayConfig.Route route) {
        return byRoute.get(route.name());
    }

    /**
     * @param routeName a configured route's name
     * @return its breaker's state, or null for an unknown route
     */
    public CircuitBreaker.@Nullable State stateOf(String routeName) {
        CircuitBreaker breaker = byRoute.get(routeName);
        return breaker == null ? null : breaker.getState();
    }

    /**
     * @param route a route whose breaker just refused a call
     * @return whole seconds until the breaker lets a probe through, at least 1
     */
    public long retryAfterSeconds(GatewayConfig.Route route) {
        Long opened = openedAtNanos.get(route.name());
        long remaining =
                opened == null ? openDuration.toNanos() : openDuration.toNanos() - (System.nanoTime() - opened);
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(remaining + 999_999_999L));
    }

    /**
     * @param status the upstream's status code
     * @return whether the breaker counts it as a failure
     */
    public static boolean isFailure(int status) {
        return status == 502 || status == 503 || status == 504;
    }
}
