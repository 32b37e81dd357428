package dev.adxcore.platform.events;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how fast a failing delivery is retried: up to {@link #maxAttempts()} attempts in all,
 * waiting {@code initialBackoff * multiplier^(attempt-1)} (capped at {@code maxBackoff}) between
 * attempts, each wait varied at random by up to {@code ±jitter} of itself so that failing consumers do
 * not retry in lockstep.
 *
 * <p>Immutable and thread-safe; computing a backoff is constant time (no allocation beyond the result).
 *
 * @param maxAttempts attempts in all, including the first, at least 1
 * @param initialBackoff the wait after the first failure, not negative
 * @param maxBackoff the longest wait, not shorter than initialBackoff
 * @param multiplier the growth factor per attempt, at least 1.0
 * @param jitter the random variation as a fraction, 0.0 to 1.0
 * @since 0.1.0
 */
public record RetryPolicy(
        int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 (was " + maxAttempts + ")");
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative (was " + initialBackoff + ")");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff must be >= initialBackoff (was " + maxBackoff + " < " + initialBackoff + ")");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1.0 (was " + multiplier + ")");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0 (was " + jitter + ")");
        }
    }

    /**
     * The default: 5 attempts, 100 ms doubling up to 10 s, 20% jitter.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2);
    }

    /**
     * One attempt, no retries: a failure goes straight to the dead letters.
     *
     * @return a policy without retries
     */
    public static RetryPolicy noRetries() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);
    }

    /**
     * An exponential policy without jitter.
     *
     * @param maxAttempts attempts in all
     * @param initialBackoff the first wait
     * @param maxBackoff the longest wait
     * @return a new policy
     */
    public static RetryPolicy exponential(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, 2.0, 0.0);
    }

    /**
     * Returns a copy with another jitter.
     *
     * @param jitter the random variation, 0.0 to 1.0
     * @return a new policy
     */
    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter);
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} failures.
     *
     * @param failedAttempts how many attempts failed so far, at least 1
     * @return the wait, jittered
     */
    public Duration backoff(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be >= 1 (was " + failedAttempts + ")");
        }
        double base = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempts - 1);
        double capped = Math.min(base, maxBackoff.toNanos());
        double factor = jitter == 0.0 ? 1.0 : 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofNanos((long) Math.max(0, Math.min(capped * factor, maxBackoff.toNanos())));
    }

    /**
     * @param failedAttempts how many attempts failed so far
     * @return whether another attempt is allowed
     */
    public boolean allowsAnotherAttempt(int failedAttempts) {
        return failedAttempts < maxAttempts;
    }
}
