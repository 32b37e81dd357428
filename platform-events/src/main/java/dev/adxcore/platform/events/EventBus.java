package dev.adxcore.platform.events;

import dev.adxcore.platform.observability.health.HealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes events and delivers them to subscriptions. Open one with {@link EventBuses#open(java.net.URI)}
 * or {@link EventBuses#fromEnvironment()}; the transport is chosen by the URI's scheme.
 *
 * <p><b>What every implementation guarantees</b> (the contract provider authors must meet, checked by
 * the shared contract test suite in this module's test jar):
 * <ul>
 *   <li>{@link #publish(Event)} validates the event (size limit) and completes its stage only when the
 *       transport has the event (in memory: queued; Redis: stored by XADD); it completes exceptionally
 *       with {@link EventPublishException} otherwise, never hangs past the transport's timeout, and never
 *       throws for transport failures (it throws {@link InvalidEventException} for invalid events and
 *       {@link EventPublishException} after {@link #close()}).</li>
 *   <li>Every subscription id gets every matching event published after it subscribed, at least once;
 *       consumers sharing an id share the load.</li>
 *   <li>Events with the same aggregate id are delivered to a subscription in publication order.</li>
 *   <li>A failing or hanging handler is retried per its {@link RetryPolicy}, then dead-lettered with its
 *       cause; it never stops the subscription or delays other subscriptions. A handler call past the
 *       subscription's handler timeout is interrupted and fails with
 *       {@link java.util.concurrent.TimeoutException}; {@link NonRetryableEventException} dead-letters at
 *       once.</li>
 *   <li>Dead letters are kept and can be listed (oldest first) and replayed to their own subscription.</li>
 *   <li>{@link #unsubscribe(String)} and {@link Subscription#close()} stop delivery; {@link #close(Duration)}
 *       stops intake and lets accepted events finish within the timeout.</li>
 * </ul>
 *
 * <p>Provider authors prove this by extending {@code EventBusContract} from this module's test jar
 * (see the module README).
 *
 * <p>Implementations are thread-safe and expensive: create one per service and share it.
 *
 * @since 0.1.0
 */
public interface EventBus extends AutoCloseable {

    /**
     * Publishes one event asynchronously.
     *
     * @param event the event
     * @return a stage completed when the transport has the event, or exceptionally with {@link EventPublishException}
     * @throws InvalidEventException if the event exceeds the bus's limits
     * @throws EventPublishException if the bus is closed
     */
    CompletionStage<Void> publish(Event event);

    /**
     * Publishes several events; transports that can, send them in one batch (pipelined). Events keep
     * their order.
     *
     * @param events the events
     * @return a stage completed when the transport has every event
     * @throws InvalidEventException if an event exceeds the bus's limits (then none is published)
     * @throws EventPublishException if the bus is closed
     */
    default CompletionStage<Void> publishAll(List<Event> events) {
        List<CompletableFuture<Void>> stages = new ArrayList<>(events.size());
        for (Event e : events) {
            stages.add(publish(e).toCompletableFuture());
        }
        return CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new));
    }

    /**
     * Starts delivering matching events to the subscription's handler.
     *
     * @param subscription what to deliver and how
     * @return a handle; close it to stop this consumer
     * @throws EventPublishException if the bus is closed
     */
    Subscription subscribe(EventSubscription subscription);

    /**
     * Stops every consumer of this process with the given subscription id.
     *
     * @param subscriptionId the subscription id
     * @return true if a consumer was stopped
     */
    boolean unsubscribe(String subscriptionId);

    /**
     * Lists the oldest dead letters of a subscription.
     *
     * @param subscriptionId the subscription id
     * @param limit at most this many, positive
     * @return the dead letters, oldest first
     */
    List<DeadLetter> deadLetters(String subscriptionId, int limit);

    /**
     * Re-delivers every dead letter of a subscription to that subscription (only) and removes it from the
     * dead letters; events that fail again become dead letters again.
     *
     * @param subscriptionId the subscription id
     * @return how many dead letters were replayed
     */
    int replayDeadLetters(String subscriptionId);

    /**
     * The bus's health checks, for the service's health registry (transport reachable, consumer loops alive).
     *
     * @return the checks
     */
    List<HealthCheck> healthChecks();

    /**
     * Stops accepting events, lets in-flight deliveries finish within the timeout, then stops.
     *
     * @param timeout how long to wait for in-flight deliveries
     * @return true if everything finished in time
     */
    boolean close(Duration timeout);

    /** Closes with the bus's default drain timeout. Never throws. */
    @Override
    void close();
}
