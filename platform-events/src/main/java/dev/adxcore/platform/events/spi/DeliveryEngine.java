package dev.adxcore.platform.events.spi;

import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.internal.engine.Engine;
import dev.adxcore.platform.events.internal.engine.PullConsumer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The delivery semantics of the {@link dev.adxcore.platform.events.EventBus} contract, for a transport to run
 * its consumers on. Create one per bus; for each {@code subscribe}, {@link #start start} a consumer with the
 * transport's {@link ConsumerTransport}:
 *
 * <pre>{@code
 * DeliveryEngine engine = DeliveryEngine.create("kafka", options);
 * EngineConsumer<Offset> consumer = engine.start(subscription, new MyKafkaTransport(...),
 *         ConsumerSettings.builder("kafka-events-" + subscription.id()).concurrency(4).maxInFlight(1000).build());
 * }</pre>
 *
 * <p>What the engine does for each consumer:
 * <ul>
 *   <li><b>Filter</b>: records whose event the subscription does not match (type patterns, tenant) are
 *       acknowledged without a handler call; replayed dead letters are delivered whatever their type.</li>
 *   <li><b>Order per aggregate</b>: events with the same aggregate id run one at a time, in the order the
 *       transport fetched them; others run concurrently up to the consumer's concurrency.</li>
 *   <li><b>Retries</b> per the subscription's {@link dev.adxcore.platform.events.RetryPolicy}, waiting on a timer
 *       (not on a handler thread), so other aggregates go on; {@code NonRetryableEventException} dead-letters at
 *       once.</li>
 *   <li><b>Handler timeout</b>: a watchdog interrupts a call past the subscription's timeout; the attempt fails
 *       with a {@link java.util.concurrent.TimeoutException} and the handler's place goes to a new thread at
 *       once, so a handler that ignores the interrupt cannot stall the consumer.</li>
 *   <li><b>Dead letters</b>: when retries are exhausted, {@link ConsumerTransport#deadLetter} stores the letter
 *       (tried again until it works), then the subscription's dead-letter handler is told, then the record is
 *       acknowledged.</li>
 *   <li><b>Flow control</b>: at most {@link ConsumerSettings#maxInFlight()} records in flight.</li>
 *   <li><b>Metrics</b> (Micrometer, tag {@code transport}): {@code platform.events.delivered},
 *       {@code retried}, {@code dead.lettered} (subscription, type bounded to 100 per bus),
 *       {@code handler.duration} (subscription, outcome = success | failure | timeout),
 *       {@code handler.failures} and {@code consumer.errors} (subscription); publishing meters through
 *       {@link #publishMeters()}. Tenant ids and event ids are never tags.</li>
 * </ul>
 *
 * <p>Thread-safe. An expensive resource: holds a cached pool of daemon handler threads, one timer thread and one
 * watchdog thread, plus one fetch thread per consumer: create one per bus and {@link #close()} it after the
 * bus's consumers.
 *
 * @since 0.1.0
 */
public final class DeliveryEngine implements AutoCloseable {

    private static final Pattern TRANSPORT = Pattern.compile("[a-z0-9-]{1,20}");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Engine engine;
    private final EventBusOptions options;

    private DeliveryEngine(Engine engine, EventBusOptions options) {
        this.engine = engine;
        this.options = options;
    }

    /**
     * Creates and starts an engine.
     *
     * @param transport the transport's name, the {@code transport} tag of every meter: {@code [a-z0-9-]{1,20}},
     *     for example {@code kafka}
     * @param options the bus's options (meter registry, close timeout)
     * @return a started engine
     * @throws IllegalArgumentException for a bad transport name
     */
    public static DeliveryEngine create(String transport, EventBusOptions options) {
        Objects.requireNonNull(options, "options");
        if (transport == null || !TRANSPORT.matcher(transport).matches()) {
            throw new IllegalArgumentException("transport must match [a-z0-9-]{1,20} (was '" + transport + "')");
        }
        Engine engine =
                new Engine(transport + "-events-" + SEQUENCE.incrementAndGet(), transport, options.meterRegistry());
        return new DeliveryEngine(engine, options);
    }

    /**
     * Starts a consumer: its fetch thread begins calling {@link ConsumerTransport#fetch} at once.
     *
     * @param subscription what to deliver and how
     * @param transport the transport half of this consumer
     * @param settings concurrency, in-flight limit, thread name
     * @param <R> the transport's record handle
     * @return the running consumer; close it to stop
     * @throws EventPublishException when the engine is closed
     */
    public <R> EngineConsumer<R> start(
            EventSubscription subscription, ConsumerTransport<R> transport, ConsumerSettings settings) {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(settings, "settings");
        if (engine.isShutdown()) {
            throw new EventPublishException("the delivery engine " + engine.name() + " is closed: cannot subscribe '"
                    + subscription.id() + "'");
        }
        return new PullConsumer<>(engine, subscription, transport, settings, options.closeTimeout());
    }

    /**
     * Closes several consumers at once, each given the same time for its running handlers.
     *
     * @param consumers consumers started by this engine
     * @param timeout how long running handlers may take
     * @return true when all of them finished in time
     */
    public boolean closeAll(Iterable<? extends EngineConsumer<?>> consumers, java.time.Duration timeout) {
        java.util.List<CompletableFuture<Boolean>> all = new java.util.ArrayList<>();
        for (EngineConsumer<?> c : consumers) {
            if (c instanceof PullConsumer<?> p) {
                all.add(p.closeAsync(timeout));
            } else {
                all.add(CompletableFuture.completedFuture(c.close(timeout)));
            }
        }
        boolean drained = true;
        for (CompletableFuture<Boolean> f : all) {
            try {
                drained &= f.get(timeout.toMillis() + 3000, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
            } catch (Exception e) {
                drained = false;
            }
        }
        return drained;
    }

    /** @return the bus's publishing meters, tagged with this engine's transport */
    public PublishMeters publishMeters() {
        return engine.metrics();
    }

    /** @return the transport name */
    public String transport() {
        return engine.metrics().transport();
    }

    /** Stops the engine's threads; close the consumers first. Idempotent; never throws. */
    @Override
    public void close() {
        engine.shutdown();
    }

    @Override
    public String toString() {
        return "DeliveryEngine{" + engine.name() + '}';
    }
}
