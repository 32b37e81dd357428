package dev.adxcore.platform.outbox.failure;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.observability.health.HealthCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A real bus whose batch confirmations reach the relay {@code delayMillis} late, printing {@code BATCH n} when the
 * transport already holds the batch: a kill after that line lands mid-batch (published, not yet marked).
 */
final class SlowConfirmBus implements EventBus {

    private final EventBus delegate;
    private final long delayMillis;
    private int batches;

    SlowConfirmBus(EventBus delegate, long delayMillis) {
        this.delegate = delegate;
        this.delayMillis = delayMillis;
    }

    @Override
    public CompletionStage<Void> publish(Event event) {
        return publishAll(List.of(event));
    }

    @Override
    public synchronized CompletionStage<Void> publishAll(List<Event> events) {
        return delegate.publishAll(events).thenCompose(v -> {
            synchronized (this) {
                System.out.println("BATCH " + (++batches) + " " + events.size());
                System.out.flush();
            }
            return CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
        });
    }

    @Override
    public Subscription subscribe(EventSubscription subscription) {
        return delegate.subscribe(subscription);
    }

    @Override
    public boolean unsubscribe(String subscriptionId) {
        return delegate.unsubscribe(subscriptionId);
    }

    @Override
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        return delegate.deadLetters(subscriptionId, limit);
    }

    @Override
    public int replayDeadLetters(String subscriptionId) {
        return delegate.replayDeadLetters(subscriptionId);
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return delegate.healthChecks();
    }

    @Override
    public boolean close(Duration timeout) {
        return delegate.close(timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
