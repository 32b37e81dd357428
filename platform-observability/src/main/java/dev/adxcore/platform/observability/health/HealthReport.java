package dev.adxcore.platform.observability.health;

import dev.adxcore.platform.observability.internal.Json;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The aggregated outcome of a set of health checks, as returned by {@link HealthRegistry#health()},
 * {@link HealthRegistry#readiness()} and {@link HealthRegistry#liveness()}.
 *
 * <p>The overall {@link #status()} is the worst status of the checks, where a non-critical check that
 * is {@link HealthStatus#DOWN} counts as {@link HealthStatus#DEGRADED}. A report without checks is
 * {@link HealthStatus#UP}.
 *
 * <p>Immutable and thread-safe; cheap to hold, and {@link #toJson()} renders the JSON once and caches it.
 *
 * @since 0.1.0
 */
public final class HealthReport {

    private final HealthStatus status;
    private final Map<String, HealthResult> checks;
    private final Set<String> nonCritical;
    private volatile @Nullable String json;

    HealthReport(Map<String, HealthResult> checks, Set<String> nonCritical) {
        this.checks = Collections.unmodifiableMap(new TreeMap<>(checks));
        this.nonCritical = Collections.unmodifiableSet(new TreeSet<>(nonCritical));
        HealthStatus worst = HealthStatus.UP;
        for (Map.Entry<String, HealthResult> e : this.checks.entrySet()) {
            HealthStatus s = e.getValue().status();
            if (s == HealthStatus.DOWN && this.nonCritical.contains(e.getKey())) {
                s = HealthStatus.DEGRADED;
            }
            worst = worst.worst(s);
        }
        this.status = worst;
    }

    /**
     * The overall status.
     *
     * @return UP, DEGRADED (a non-critical check failed, or a check reported DEGRADED) or DOWN
     */
    public HealthStatus status() {
        return status;
    }

    /**
     * Every check's own result, ordered by check name.
     *
     * @return an unmodifiable map from check name to result
     */
    public Map<String, HealthResult> checks() {
        return checks;
    }

    /**
     * Whether the named check is critical (its failure makes the report DOWN).
     *
     * @param name a check name present in {@link #checks()}
     * @return false for non-critical checks, true otherwise
     */
    public boolean isCritical(String name) {
        return !nonCritical.contains(Objects.requireNonNull(name, "name"));
    }

    /**
     * Renders the report as JSON, for example
     * {@code {"status":"DEGRADED","checks":{"cache":{"status":"DOWN","critical":false,"durationMs":0.41,
     * "error":"connection refused","details":{}}}}}. Durations are milliseconds.
     *
     * @return the JSON text
     */
    public String toJson() {
        String rendered = json;
        if (rendered == null) {
            rendered = render();
            json = rendered;
        }
        return rendered;
    }

    private String render() {
        StringBuilder out = new StringBuilder(64 + checks.size() * 96);
        out.append("{\"status\":\"").append(status.name()).append("\",\"checks\":{");
        boolean first = true;
        for (Map.Entry<String, HealthResult> e : checks.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            HealthResult r = e.getValue();
            Json.string(out, e.getKey());
            out.append(":{\"status\":\"")
                    .append(r.status().name())
                    .append("\",\"critical\":")
                    .append(isCritical(e.getKey()))
                    .append(",\"durationMs\":")
                    .append(Json.millis(r.duration()));
            if (r.error().isPresent()) {
                out.append(",\"error\":");
                Json.string(out, r.error().get());
            }
            out.append(",\"details\":");
            Json.value(out, r.details());
            out.append('}');
        }
        return out.append("}}").toString();
    }

    @Override
    public String toString() {
        return "HealthReport" + toJson();
    }
}
