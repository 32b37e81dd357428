package dev.adxcore.platform.observability.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * One health check: the SPI through which every platform jar (and every service) reports the state of
 * a resource it owns.
 *
 * <p>Implementations are called by the health registry from its own threads, possibly concurrently
 * with themselves, and are bounded by a timeout: a check that does not return in time is reported
 * {@link HealthStatus#DOWN} and its thread interrupted. A check may throw; the registry turns the
 * exception into a {@code DOWN} result. Keep checks cheap (one round trip) and free of side effects.
 *
 * <p>Two kinds of registration exist: jars that build a resource (a database pool, a Redis
 * connection, a Temporal client) expose their checks (for example {@code DatabaseManager.healthChecks()})
 * and the service registers them; checks with a public no-argument constructor may also be listed for
 * {@link java.util.ServiceLoader} (for example with {@code @AutoService(HealthCheck.class)}).
 *
 * <p><b>Critical or not.</b> A failing critical check makes readiness {@code DOWN}; a failing
 * non-critical one (a read replica, a cache) only makes it {@code DEGRADED}.
 * <b>Liveness.</b> Only checks of the process itself ({@link #isLiveness()} true) take part in
 * liveness; external dependencies never do, so a database outage cannot cause a restart storm.
 *
 * @since 0.1.0
 */
public interface HealthCheck {

    /**
     * The check's unique, non-blank name, such as {@code "database.primary"}. Used as the key in the
     * report and in logs.
     *
     * @return the name
     */
    String name();

    /**
     * Runs the check.
     *
     * @return the result; {@code null} is reported as {@code DOWN}
     * @throws Exception any failure, reported as {@code DOWN} with the exception's class and message
     */
    HealthResult check() throws Exception;

    /**
     * Whether a failure of this check makes readiness {@code DOWN} (true) or only {@code DEGRADED} (false).
     *
     * @return true by default
     */
    default boolean isCritical() {
        return true;
    }

    /**
     * Whether this check is about the process itself and therefore part of liveness. External
     * dependencies must return false.
     *
     * @return false by default
     */
    default boolean isLiveness() {
        return false;
    }

    /**
     * This check's own timeout, overriding the registry's default.
     *
     * @return empty to use the registry's default (2 s unless configured)
     */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }

    /**
     * A critical readiness check from a lambda.
     *
     * @param name the unique name
     * @param check the code to run
     * @return a new check
     */
    static HealthCheck critical(String name, Callable<HealthResult> check) {
        return of(name, true, check);
    }

    /**
     * A non-critical readiness check from a lambda: its failure makes the report {@code DEGRADED}.
     *
     * @param name the unique name
     * @param check the code to run
     * @return a new check
     */
    static HealthCheck nonCritical(String name, Callable<HealthResult> check) {
        return of(name, false, check);
    }

    private static HealthCheck of(String name, boolean critical, Callable<HealthResult> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (name.isBlank()) {
            throw new IllegalArgumentException("health check name must not be blank");
        }
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthResult check() throws Exception {
                return check.call();
            }

            @Override
            public boolean isCritical() {
                return critical;
            }

            @Override
            public String toString() {
                return "HealthCheck[" + name + (critical ? ", critical" : ", non-critical") + ']';
            }
        };
    }
}
