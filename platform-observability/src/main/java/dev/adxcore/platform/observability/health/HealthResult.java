package dev.adxcore.platform.observability.health;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one {@link HealthCheck}: a status, optional details, the time the check took and,
 * for a failure, a human-readable error.
 *
 * <p>A check builds its result with the static factories ({@link #up()}, {@link #down(String)},
 * {@link #down(Throwable)}, ...) and leaves {@link #duration()} at zero: the registry that runs the
 * check measures the duration and stamps it with {@link #withDuration(Duration)}.
 *
 * <p>Immutable and thread-safe; cheap to create (a copy of the details map at most). Detail values should be
 * simple (strings, numbers, booleans) so that they render as JSON; never put secrets (passwords, tokens, full
 * connection strings) in details.
 *
 * @since 0.1.0
 */
public final class HealthResult {

    private final HealthStatus status;
    private final Map<String, Object> details;
    private final Duration duration;
    private final @Nullable String error;

    private HealthResult(HealthStatus status, Map<String, Object> details, Duration duration, @Nullable String error) {
        this.status = Objects.requireNonNull(status, "status");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
        this.duration = Objects.requireNonNull(duration, "duration");
        this.error = error;
    }

    /**
     * A healthy result without details.
     *
     * @return an {@link HealthStatus#UP} result
     */
    public static HealthResult up() {
        return new HealthResult(HealthStatus.UP, Map.of(), Duration.ZERO, null);
    }

    /**
     * A healthy result with details.
     *
     * @param details what the check observed, for example {@code {"lagBytes": 0}}
     * @return an {@link HealthStatus#UP} result
     */
    public static HealthResult up(Map<String, ?> details) {
        return new HealthResult(HealthStatus.UP, copy(details), Duration.ZERO, null);
    }

    /**
     * A working-but-impaired result.
     *
     * @param reason why the resource is degraded, shown in the report
     * @return a {@link HealthStatus#DEGRADED} result
     */
    public static HealthResult degraded(String reason) {
        return new HealthResult(
                HealthStatus.DEGRADED, Map.of(), Duration.ZERO, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * A failed result.
     *
     * @param reason why the resource is down, shown in the report
     * @return a {@link HealthStatus#DOWN} result
     */
    public static HealthResult down(String reason) {
        return new HealthResult(HealthStatus.DOWN, Map.of(), Duration.ZERO, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * A failed result whose error is the exception's class and message.
     *
     * @param cause the failure
     * @return a {@link HealthStatus#DOWN} result
     */
    public static HealthResult down(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        String message = cause.getMessage();
        String error = cause.getClass().getName() + (message == null ? "" : ": " + message);
        return new HealthResult(HealthStatus.DOWN, Map.of(), Duration.ZERO, error);
    }

    /**
     * Returns a copy of this result with one more detail.
     *
     * @param key the detail's name
     * @param value the detail's value
     * @return a new result
     */
    public HealthResult withDetail(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(details);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new HealthResult(status, copy, duration, error);
    }

    /**
     * Returns a copy of this result with the given duration; used by the registry that ran the check.
     *
     * @param duration how long the check took
     * @return a new result
     */
    public HealthResult withDuration(Duration duration) {
        return new HealthResult(status, details, duration, error);
    }

    /**
     * Returns a copy of this result with another status, keeping details and error.
     *
     * @param status the new status
     * @return a new result
     */
    public HealthResult withStatus(HealthStatus status) {
        return new HealthResult(status, details, duration, error);
    }

    /** @return the status */
    public HealthStatus status() {
        return status;
    }

    /** @return the details, never {@code null}, unmodifiable */
    public Map<String, Object> details() {
        return details;
    }

    /** @return how long the check took; zero until the registry stamps it */
    public Duration duration() {
        return duration;
    }

    /** @return the error or reason for a non-UP result */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    private static Map<String, Object> copy(Map<String, ?> details) {
        Map<String, Object> copy = new LinkedHashMap<>();
        Objects.requireNonNull(details, "details")
                .forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HealthResult other)) {
            return false;
        }
        return status == other.status
                && details.equals(other.details)
                && duration.equals(other.duration)
                && Objects.equals(error, other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, details, duration, error);
    }

    @Override
    public String toString() {
        return "HealthResult{status=" + status + ", details=" + details + ", duration=" + duration
                + (error == null ? "" : ", error=" + error) + '}';
    }
}
