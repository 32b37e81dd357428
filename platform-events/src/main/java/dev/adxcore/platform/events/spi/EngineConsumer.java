package dev.adxcore.platform.events.spi;

import dev.adxcore.platform.events.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One consumer run by the {@link DeliveryEngine}: a fetch thread calling its {@link ConsumerTransport}, and the
 * handler calls of its subscription. A transport's bus returns it (or a wrapper) from
 * {@code EventBus.subscribe}. Thread-safe. Costs a fetch thread and up to {@code maxInFlight} records in memory
 * while it runs: close it when the subscription is no longer needed.
 *
 * @param <R> the transport's record handle
 * @since 0.1.0
 */
public interface EngineConsumer<R> extends Subscription {

    /**
     * Gives back the records that match: those queued or waiting for a retry are released at once
     * ({@link ConsumerTransport#release}); those whose handler is running are waited for, up to {@code wait},
     * and then acknowledged as usual when they succeed. For rebalances: call it from inside
     * {@link ConsumerTransport#fetch} when the transport loses partitions, then commit what was acknowledged.
     *
     * @param which the records to give back, by their handle
     * @param wait how long to wait for running handlers of those records
     * @return true when no matching handler call is still running
     */
    boolean revoke(Predicate<? super R> which, Duration wait);

    /**
     * Stops fetching, releases queued records, lets running handler calls finish within {@code timeout}
     * (then interrupts them and releases their records), calls {@link ConsumerTransport#close()} and returns.
     * Idempotent.
     *
     * @param timeout how long running handlers may take
     * @return true when everything finished in time
     */
    boolean close(Duration timeout);

    /**
     * A one-line state for health details: {@code reading}, {@code retrying after N failure(s): <error>} or
     * {@code stopped}.
     *
     * @return the state
     */
    String state();

    /**
     * What is wrong, for a health check: the fetch thread died, or has not come back from {@code fetch} for
     * longer than {@code stale}.
     *
     * @param stale how long the fetch loop may go without advancing
     * @return the problem, or empty when the consumer is healthy (or stopped on purpose)
     */
    Optional<String> problem(Duration stale);
}
