package dev.adxcore.platform.examples.gateway.internal;

import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * A non-critical health check per route: can a TCP connection to the upstream be opened within the
 * timeout? Non-critical because one service being down must not take the whole gateway out of
 * rotation: its routes answer 502 while the others keep working. The report names the route, never the
 * upstream address (health endpoints are unauthenticated). Thread-safe.
 */
public final class UpstreamHealthCheck implements HealthCheck {

    private final GatewayConfig.Route route;
    private final Duration timeout;

    /**
     * @param route the route to probe
     * @param timeout the connect timeout
     */
    public UpstreamHealthCheck(GatewayConfig.Route route, Duration timeout) {
        this.route = route;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "upstream." + route.name();
    }

    @Override
    public HealthResult check() {
        String host = route.baseUri().getHost();
        int port = route.baseUri().getPort() > 0 ? route.baseUri().getPort()
                : "https".equalsIgnoreCase(route.baseUri().getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return HealthResult.up();
        } catch (IOException e) {
            return HealthResult.down("upstream of route '" + route.name() + "' is not accepting connections");
        }
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
