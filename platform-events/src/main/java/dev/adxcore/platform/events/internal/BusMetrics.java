package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.spi.PublishMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of an event bus, with bounded tags: {@code transport}, {@code subscription} (ids are chosen by
 * code, not by users), {@code type} (at most {@value #MAX_TYPES} distinct event types per bus, later ones
 * are tagged {@code other}) and {@code outcome}. Tenant ids are never tags. Internal: not part of the API.
 *
 * <ul>
 *   <li>{@code platform.events.published} (counter; transport, type)</li>
 *   <li>{@code platform.events.publish.rejected} (counter; transport, reason = full | closed): refused by the
 *       bus itself</li>
 *   <li>{@code platform.events.publish.failures} (counter; transport, reason from a fixed set of the
 *       transport, such as timeout | unavailable): not confirmed by the transport</li>
 *   <li>{@code platform.events.delivered} (counter; transport, subscription, type)</li>
 *   <li>{@code platform.events.retried} (counter; transport, subscription, type)</li>
 *   <li>{@code platform.events.dead.lettered} (counter; transport, subscription, type)</li>
 *   <li>{@code platform.events.handler.duration} (timer; transport, subscription, outcome = success |
 *       failure | timeout)</li>
 *   <li>{@code platform.events.handler.failures} (counter; transport, subscription): failed or timed-out
 *       handler calls</li>
 *   <li>{@code platform.events.consumer.errors} (counter; transport, subscription): transport errors in a
 *       consumer's fetch loop or while storing a dead letter (the consumer goes on)</li>
 * </ul>
 *
 * <p>Thread-safe. Meters are registered on first use and cached, so recording costs a map lookup and an increment.
 */
public final class BusMetrics implements PublishMeters {

    /** Distinct event types tagged by name; later types are tagged {@code other}. */
    public static final int MAX_TYPES = 100;

    private final MeterRegistry registry;
    private final String transport;
    private final ConcurrentHashMap<String, String> typeTags = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> failures = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters go
     * @param transport the transport's name, a tag on every meter
     */
    public BusMetrics(MeterRegistry registry, String transport) {
        this.registry = registry;
        this.transport = transport;
    }

    /**
     * @param type an event type
     * @return the tag value for it: the type itself, or {@code other} once {@value #MAX_TYPES} types are known
     */
    public String typeTag(String type) {
        String tag = typeTags.get(type);
        if (tag != null) {
            return tag;
        }
        if (typeTags.size() >= MAX_TYPES) {
            return "other";
        }
        return typeTags.computeIfAbsent(type, t -> t);
    }

    /** @param type the published event's type */
    public void published(String type) {
        published(type, 1);
    }

    @Override
    public void published(String type, int count) {
        String tag = typeTag(type);
        Counter c = published.get(tag);
        if (c == null) {
            c = published.computeIfAbsent(
                    tag,
                    t -> Counter.builder("platform.events.published")
                            .description("Events accepted by the bus")
                            .tag("transport", transport)
                            .tag("type", t)
                            .register(registry));
        }
        c.increment(count);
    }

    @Override
    public void failed(String reason, int count) {
        Counter c = failures.get(reason);
        if (c == null) {
            c = failures.computeIfAbsent(
                    reason,
                    r -> Counter.builder("platform.events.publish.failures")
                            .description("Events the transport did not confirm")
                            .tag("transport", transport)
                            .tag("reason", r)
                            .register(registry));
        }
        c.increment(count);
    }

    /** @return the transport tag of these meters */
    public String transport() {
        return transport;
    }

    /** @return the registry these meters go to */
    public MeterRegistry registry() {
        return registry;
    }

    /** @param reason why a publish was rejected: full or closed */
    public void rejected(String reason) {
        Counter.builder("platform.events.publish.rejected")
                .description("Publishes the bus refused")
                .tag("transport", transport)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /**
     * @param subscriptionId the subscription id
     * @return the meters of that subscription
     */
    public SubscriptionMeters forSubscription(String subscriptionId) {
        return new SubscriptionMeters(subscriptionId);
    }

    /** The meters of one subscription id. */
    public final class SubscriptionMeters {
        private final String subscriptionId;
        private final ConcurrentHashMap<String, Counter> delivered = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Counter> retried = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
        private final Timer success;
        private final Timer failure;
        private final Timer timeout;
        private final Counter handlerFailures;
        private final Counter consumerErrors;

        private SubscriptionMeters(String subscriptionId) {
            this.subscriptionId = subscriptionId;
            this.success = timer("success");
            this.failure = timer("failure");
            this.timeout = timer("timeout");
            this.handlerFailures = Counter.builder("platform.events.handler.failures")
                    .description("Handler calls that failed or timed out")
                    .tag("transport", transport)
                    .tag("subscription", subscriptionId)
                    .register(registry);
            this.consumerErrors = Counter.builder("platform.events.consumer.errors")
                    .description("Transport errors in a consumer loop or while storing a dead letter (it continues)")
                    .tag("transport", transport)
                    .tag("subscription", subscriptionId)
                    .register(registry);
        }

        /** @return the subscription id these meters are tagged with */
        public String subscriptionId() {
            return subscriptionId;
        }

        /** Counts a transport error of the consumer (it goes on). */
        public void consumerError() {
            consumerErrors.increment();
        }

        private Timer timer(String outcome) {
            return Timer.builder("platform.events.handler.duration")
                    .description("Handler calls")
                    .tag("transport", transport)
                    .tag("subscription", subscriptionId)
                    .tag("outcome", outcome)
                    .register(registry);
        }

        private Counter counter(
                ConcurrentHashMap<String, Counter> cache, String name, String description, String type) {
            String tag = typeTag(type);
            Counter c = cache.get(tag);
            if (c != null) {
                return c;
            }
            return cache.computeIfAbsent(
                    tag,
                    t -> Counter.builder(name)
                            .description(description)
                            .tag("transport", transport)
                            .tag("subscription", subscriptionId)
                            .tag("type", t)
                            .register(registry));
        }

        /**
         * @param type the event type
         * @param nanos how long the handler took
         */
        public void delivered(String type, long nanos) {
            success.record(nanos, TimeUnit.NANOSECONDS);
            counter(delivered, "platform.events.delivered", "Events handled successfully", type)
                    .increment();
        }

        /**
         * @param nanos how long the failed handler call took
         * @param timedOut whether it failed by running past its timeout
         */
        public void failed(long nanos, boolean timedOut) {
            (timedOut ? timeout : failure).record(nanos, TimeUnit.NANOSECONDS);
            handlerFailures.increment();
        }

        /** @param type the event type of a delivery scheduled for another attempt */
        public void retried(String type) {
            counter(retried, "platform.events.retried", "Deliveries scheduled for another attempt", type)
                    .increment();
        }

        /** @param type the event type of a dead-lettered event */
        public void deadLettered(String type) {
            counter(deadLettered, "platform.events.dead.lettered", "Events given up on", type)
                    .increment();
        }
    }
}
