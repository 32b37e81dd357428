package dev.adxcore.platform.outbox;

import java.time.Duration;

/**
 * A snapshot of the outbox across every tenant, as the relay role sees it. Immutable.
 *
 * @param pending events committed and not yet published (parked ones excluded)
 * @param parked events parked as poison, waiting for an operator
 * @param oldestPendingAge how long the oldest pending event has waited; zero when none is pending
 * @since 0.1.0
 */
public record OutboxStats(long pending, long parked, Duration oldestPendingAge) {}
