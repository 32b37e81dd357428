package dev.adxcore.platform.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpServerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void activeGaugeCountsRequestsInFlightAndSecondStopIsIgnored() {
        HttpServerMetrics metrics =
                HttpServerMetrics.builder(registry).routes(List.of("/a")).build();
        HttpServerMetrics.Sample first = metrics.start();
        HttpServerMetrics.Sample second = metrics.start();
        assertThat(registry.get("http.server.requests.active").gauge().value()).isEqualTo(2.0);
        first.stop("GET", "/a", 200);
        first.stop("GET", "/a", 200);
        assertThat(registry.get("http.server.requests.active").gauge().value()).isEqualTo(1.0);
        second.stop("POST", "/a", 500);
        assertThat(metrics.activeRequests()).isZero();
        assertThat(registry.get("http.server.requests")
                        .tags("method", "GET", "uri", "/a", "status", "200", "outcome", "SUCCESS")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("http.server.requests")
                        .tags("outcome", "SERVER_ERROR")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void failingMeterRegistryNeverThrowsIntoTheCaller() {
        HttpServerMetrics metrics =
                HttpServerMetrics.builder(registry).routes(List.of("/a")).build();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("registry is broken");
            }
        });
        assertThatCode(() -> {
                    metrics.record("GET", "/a", 200, Duration.ofMillis(3));
                    metrics.start().stop("GET", "/a", 200);
                })
                .doesNotThrowAnyException();
        assertThat(metrics.activeRequests()).isZero();
    }

    @Test
    void recordedDurationIsTheOneGiven() {
        HttpServerMetrics metrics =
                HttpServerMetrics.builder(registry).routes(List.of("/a")).build();
        metrics.record("DELETE", "/a", 204, Duration.ofMillis(250));
        Timer timer =
                registry.get("http.server.requests").tags("method", "DELETE").timer();
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    }

    @Test
    void invalidRoutesAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> HttpServerMetrics.builder(registry)
                        .routes(List.of("/a", "/a"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route template '/a' is listed twice; list each once");
        assertThatThrownBy(() -> HttpServerMetrics.builder(registry)
                        .routes(List.of("UNKNOWN"))
                        .build())
                .hasMessage("route template must not be 'UNKNOWN': that value is reserved for unmatched requests");
        assertThatThrownBy(() ->
                        HttpServerMetrics.builder(registry).routes(List.of(" ")).build())
                .hasMessage("route template must not be blank (was ' ')");
    }

    @Test
    void blankServiceNameIsRejected() {
        assertThatThrownBy(() -> MeterRegistries.prometheus(" ", "i-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("service must not be blank (was ' '); pass the service name such as \"billing\"");
    }

    @Test
    void instanceIdComesFromPlatformVariableThenHostname() {
        assertThat(MeterRegistries.defaultInstance(Map.of("PLATFORM_INSTANCE_ID", "pod-1", "HOSTNAME", "h")))
                .isEqualTo("pod-1");
        assertThat(MeterRegistries.defaultInstance(Map.of("HOSTNAME", "h"))).isEqualTo("h");
        assertThat(MeterRegistries.defaultInstance(Map.of())).isNotBlank();
    }
}
