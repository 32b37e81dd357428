package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A non-critical health check per route: can a TCP connection to the upstream be opened within the
 * timeout, and what is the route's circuit breaker doing? An open breaker makes the route DOWN, a
 * half-open one DEGRADED; the breaker's state is in the details ({@code circuitBreaker}). Non-critical
 * because one service being down must not take the whole gateway out of rotation: its routes answer
 * 502/503 while the others keep working. The report names the route, never the upstream address.
 * Thread-safe.
 */
public final class UpstreamHealthCheck implements HealthCheck {

    private final GatewayConfig.Route route;
    private final Duration timeout;
    private final Supplier<CircuitBreaker.@Nullable State> breakerState;

    /**
     * @param route the route to probe
     * @param timeout the connect timeout
     * @param breakerState the route's breaker state, or null when breakers are off
     */
    public UpstreamHealthCheck(
            GatewayConfig.Route route, Duration timeout, Supplier<CircuitBreaker.@Nullable State> breakerState) {
        this.route = route;
        this.timeout = timeout;
        this.breakerState = breakerState;
    }

    @Override
    public String name() {
        return "upstream." + route.name();
    }

    @Override
    public HealthResult check() {
        String host = route.baseUri().getHost();
        int port = route.baseUri().getPort() > 0
                ? route.baseUri().getPort()
                : "https".equalsIgnoreCase(route.baseUri().getScheme()) ? 443 : 80;
        CircuitBreaker.State state = breakerState.get();
        HealthResult result;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            result = HealthResult.up();
        } catch (IOException e) {
            result = HealthResult.down("upstream of route '" + route.name() + "' is not accepting connections");
        }
        if (state == null) {
            return result;
        }
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            result = result.status() == HealthStatus.DOWN
                    ? result
                    : HealthResult.down("circuit breaker of route '" + route.name() + "' is open");
        } else if (state == CircuitBreaker.State.HALF_OPEN && result.status() == HealthStatus.UP) {
            result = HealthResult.degraded("circuit breaker of route '" + route.name() + "' is half-open (probing)");
        }
        return result.withDetail("circuitBreaker", state.name());
    }

    @Override
    public boolean isCritical() {
        return false;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.of(timeout.plusMillis(500));
    }
}
