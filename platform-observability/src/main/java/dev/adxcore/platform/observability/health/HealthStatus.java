package dev.adxcore.platform.observability.health;

/**
 * The status of one health check or of a whole report.
 *
 * <p>Order matters: {@link #UP} is better than {@link #DEGRADED}, which is better than {@link #DOWN}.
 * A report's status is the worst status of its checks, where a failing <em>non-critical</em> check
 * counts as {@link #DEGRADED} rather than {@link #DOWN}. Immutable and thread-safe, like every enum.
 *
 * @since 0.1.0
 */
public enum HealthStatus {
    /** Working as intended. */
    UP,
    /** Working, but with reduced capacity or redundancy (for example a read replica is out of rotation). */
    DEGRADED,
    /** Not working; a readiness probe answers 503. */
    DOWN;

    /**
     * Returns the worse of this status and {@code other}.
     *
     * @param other the status to compare with
     * @return {@code this} or {@code other}, whichever is worse
     */
    public HealthStatus worst(HealthStatus other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
