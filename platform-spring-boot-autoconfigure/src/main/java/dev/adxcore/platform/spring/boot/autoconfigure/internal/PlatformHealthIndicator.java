package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * One Actuator contributor over one of the registry's reports (readiness or liveness). The registry runs the
 * checks in parallel, each within its timeout, with cached results, so this indicator answers within the longest
 * timeout even when a check hangs. {@code DEGRADED} (a failing non-critical check) stays {@code UP} for Actuator,
 * so a probe keeps the instance in rotation, and shows as {@code "platformStatus": "DEGRADED"}. Thread-safe
 * (stateless); each call costs the registry's report plus one small map per check.
 */
public final class PlatformHealthIndicator implements HealthIndicator {

    private final Supplier<HealthReport> report;

    /**
     * @param report the registry's report to serve, such as {@code registry::readiness}
     */
    public PlatformHealthIndicator(Supplier<HealthReport> report) {
        this.report = report;
    }

    @Override
    public Health health() {
        HealthReport r = report.get();
        Health.Builder b = new Health.Builder(r.status() == HealthStatus.DOWN ? Status.DOWN : Status.UP);
        b.withDetail("platformStatus", r.status().name());
        for (Map.Entry<String, HealthResult> e : r.checks().entrySet()) {
            HealthResult result = e.getValue();
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("status", result.status().name());
            check.put("critical", r.isCritical(e.getKey()));
            check.put("durationMs", result.duration().toMillis());
            result.error().ifPresent(error -> check.put("error", error));
            if (!result.details().isEmpty()) {
                check.put("details", result.details());
            }
            b.withDetail(e.getKey(), check);
        }
        return b.build();
    }
}
