package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventException;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.FaultProxy;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis that hangs instead of dying (SIGSTOP of the server: a paused VM, a stuck disk) or whose network goes
 * silent (the kit's proxy black-holes the path), with the default timeouts: every publish fails with
 * {@link EventPublishException} within {@code publishTimeout}, health answers, close returns, and after the
 * server answers again publishing resumes and nothing acknowledged is lost. Bounds are asserted with a generous
 * margin (never a tight timing); the measured times are printed as {@code [measured] ...}.
 */
@PlatformTest(isolatedServers = true, durableRedis = true)
class HangingRedisTest {

    /** Slack on top of each documented bound for a loaded 2-core machine: the assertions catch hangs, not slowness. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private static final Duration PUBLISH_TIMEOUT =
            EventBusOptions.builder().build().publishTimeout();

    private final RedisServer redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<EventBus> buses = new ArrayList<>();

    HangingRedisTest(RedisServer redis) {
        this.redis = redis;
    }

    @AfterEach
    void closeBuses() {
        for (EventBus bus : buses) {
            bus.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void defaultPublishTimeoutIsFiveSeconds() {
        assertThat(PUBLISH_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void publishFailsWithinPublishTimeoutWhenRedisFreezes() throws Exception {
        EventBus bus = open(redis.eventBusUri());
        publishNow(bus, "warm-up");
        redis.freeze();
        try {
            Duration single = timeToFail(() -> bus.publish(event("frozen")));
            Duration batch = timeToFail(() -> bus.publishAll(List.of(event("frozen-1"), event("frozen-2"))));
            report("publish on a frozen Redis failed after", single);
            report("publishAll on a frozen Redis failed after", batch);
            assertThat(single).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
            assertThat(batch).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
        } finally {
            redis.thaw();
        }
        report("first publish succeeded after thaw", untilPublishSucceeds(bus));
    }

    @Test
    void publishFailsWithinPublishTimeoutWhenTheNetworkGoesSilent() throws Exception {
        FaultProxy proxy = redis.proxy();
        EventBus bus = open(redis.eventBusUri(proxy));
        publishNow(bus, "warm-up");
        proxy.blackhole();
        try {
            Duration single = timeToFail(() -> bus.publish(event("silent")));
            Duration batch = timeToFail(() -> bus.publishAll(List.of(event("silent-1"), event("silent-2"))));
            report("publish through a black-holed network failed after", single);
            report("publishAll through a black-holed network failed after", batch);
            assertThat(single).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
            assertThat(batch).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
        } finally {
            proxy.restore();
        }
        Duration resumed = untilPublishSucceeds(bus);
        report("first publish succeeded after the network was restored", resumed);
        assertThat(resumed).isLessThan(MARGIN);
    }

    @Test
    void publishesResumeSoonAfterACrashedRedisIsStartedAgain() throws Exception {
        EventBus bus = open(redis.eventBusUri());
        publishNow(bus, "warm-up");
        redis.crash();
        long downSince = System.nanoTime();
        Duration failed = timeToFail(() -> bus.publish(event("while-down")));
        report("publish while Redis is crashed failed after", failed);
        assertThat(failed).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
        sleepUntil(downSince, Duration.ofSeconds(3)); // a real outage: the reconnect delay has grown to its cap
        redis.start();
        Duration resumed = untilPublishSucceeds(bus);
        report("first publish succeeded after start() returned (3 s outage)", resumed);
        assertThat(resumed).isLessThan(MARGIN);
    }

    @Test
    void consumerDeliversEveryEventAcknowledgedBeforeTheFreezeAndResumesAfterThaw() throws Exception {
        EventBus bus = open(redis.eventBusUri());
        Set<String> received = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();
        // one aggregate, 10 ms per event: most of the 200 events are still being handled when Redis freezes, so
        // their XACKs meet the frozen server
        bus.subscribe(EventSubscription.builder("frozen-reader", e -> {
                    deliveries.incrementAndGet();
                    Thread.sleep(10);
                    received.add(e.id());
                })
                .build());
        List<String> acknowledged = new ArrayList<>();
        List<Event> before = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            before.add(event("before-" + i));
        }
        bus.publishAll(before).toCompletableFuture().get(10, TimeUnit.SECONDS);
        before.forEach(e -> acknowledged.add(e.id()));
        redis.freeze();
        int handledBeforeFreeze = received.size();
        long frozenAt = System.nanoTime();
        try {
            // longer than blockTime + publishTimeout: the reader's XREADGROUP times out and the loop goes on
            sleepUntil(frozenAt, PUBLISH_TIMEOUT.plus(Duration.ofSeconds(3)));
        } finally {
            redis.thaw();
        }
        long thawedAt = System.nanoTime();
        Event after = event("after-thaw");
        untilPublishSucceeds(bus, after);
        await().atMost(PUBLISH_TIMEOUT.plus(MARGIN).plus(MARGIN))
                .until(() -> received.containsAll(acknowledged) && received.contains(after.id()));
        report("consumer delivered an event published after thaw within", since(thawedAt));
        System.out.printf(
                "[measured] frozen consumer: %d of %d events handled when Redis froze, %d deliveries in all"
                        + " (%d duplicates)%n",
                handledBeforeFreeze, acknowledged.size(), deliveries.get(), deliveries.get() - received.size());
        assertThat(received).containsAll(acknowledged);
        assertThat(bus.healthChecks().get(1).check().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void healthIsDownWithinTheRegistryTimeoutWhenRedisFreezes() {
        EventBus bus = open(redis.eventBusUri());
        publishNow(bus, "warm-up");
        try (HealthRegistry health = HealthRegistry.builder()
                .discoverServiceLoaderChecks(false)
                .cacheTtl(Duration.ZERO)
                .build()) {
            health.registerAll(bus.healthChecks());
            assertThat(health.readiness().status()).isEqualTo(HealthStatus.UP);
            redis.freeze();
            try {
                long started = System.nanoTime();
                HealthReport report = health.readiness();
                Duration took = since(started);
                report("readiness with a frozen Redis answered " + report.status() + " after", took);
                assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
                assertThat(took).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
            } finally {
                redis.thaw();
            }
        }
    }

    @Test
    void closeReturnsWithinItsBoundWhenRedisFreezes() {
        EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(redis.eventBusUri())),
                EventBusOptions.builder().meterRegistry(registry).build());
        bus.subscribe(EventSubscription.builder("closing", e -> {}).build());
        publishNow(bus, "warm-up");
        redis.freeze();
        try {
            bus.publish(event("in-flight")); // a command waiting on the frozen server while closing
            long started = System.nanoTime();
            bus.close();
            Duration took = since(started);
            report("close() with a frozen Redis returned after", took);
            assertThat(took)
                    .isLessThan(EventBusOptions.builder().build().closeTimeout().plus(MARGIN));
        } finally {
            redis.thaw();
        }
    }

    @Test
    void closeReturnsPromptlyWhileAConsumerIsConnectingToAFrozenRedis() {
        EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(redis.eventBusUri())),
                EventBusOptions.builder().meterRegistry(registry).build());
        redis.freeze();
        try {
            long subscribing = System.nanoTime();
            bus.subscribe(EventSubscription.builder("connecting", e -> {}).build()); // its reader connects now
            report("subscribe() on a frozen Redis returned after", since(subscribing));
            long started = System.nanoTime();
            bus.close();
            Duration took = since(started);
            report("close() while a reader connects to a frozen Redis returned after", took);
            assertThat(took).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
        } finally {
            redis.thaw();
        }
    }

    @Test
    void subscriptionMadeWhileRedisIsFrozenDeliversAfterThaw() throws Exception {
        EventBus bus = open(redis.eventBusUri());
        Set<String> received = ConcurrentHashMap.newKeySet();
        redis.freeze();
        try {
            long subscribing = System.nanoTime();
            bus.subscribe(EventSubscription.builder("late-reader", e -> received.add(e.id()))
                    .build());
            Duration took = since(subscribing);
            assertThat(took).isLessThan(PUBLISH_TIMEOUT.plus(MARGIN));
        } finally {
            redis.thaw();
        }
        long thawedAt = System.nanoTime();
        // the group is created by the consumer loop once Redis answers; events from then on are delivered
        await().atMost(PUBLISH_TIMEOUT.plus(MARGIN).plus(MARGIN))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Event e = event("after-thaw");
                    bus.publish(e).toCompletableFuture().get(PUBLISH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    return received.size() > 0 || waitFor(received, e.id());
                });
        report("a subscription made while Redis was frozen delivered after thaw within", since(thawedAt));
    }

    @Test
    void startingABusOnAFrozenRedisFailsWithinPublishTimeout() {
        redis.freeze();
        try {
            long started = System.nanoTime();
            assertThatThrownBy(() -> open(redis.eventBusUri()))
                    .isInstanceOf(EventException.class)
                    .hasMessageContaining("Cannot connect to Redis");
            Duration took = since(started);
            report("opening a bus on a frozen Redis failed after", took);
            assertThat(took).isLessThan(PUBLISH_TIMEOUT.multipliedBy(2).plus(MARGIN));
        } finally {
            redis.thaw();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private EventBus open(String uri) {
        EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(uri)),
                EventBusOptions.builder().meterRegistry(registry).build());
        buses.add(bus);
        return bus;
    }

    private static Event event(String data) {
        return Event.builder("meter.read")
                .aggregate("meter", "m-1")
                .data("\"" + data + "\"")
                .build();
    }

    private static void publishNow(EventBus bus, String data) {
        try {
            bus.publish(event(data)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("publish failed", e);
        }
    }

    /** Time until the publish stage fails; it must fail with EventPublishException. */
    private static Duration timeToFail(Supplier<java.util.concurrent.CompletionStage<Void>> publish) {
        long started = System.nanoTime();
        CompletableFuture<Void> stage = publish.get().toCompletableFuture();
        assertThatThrownBy(() ->
                        stage.get(PUBLISH_TIMEOUT.plus(MARGIN).plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("was not published to Redis stream");
        return since(started);
    }

    private static Duration untilPublishSucceeds(EventBus bus) {
        return untilPublishSucceeds(bus, null);
    }

    /** Publishes (the given event, else fresh ones) until one is confirmed; the time from the call until then. */
    private static Duration untilPublishSucceeds(EventBus bus, @Nullable Event first) {
        long started = System.nanoTime();
        Event e = first == null ? event("probe") : first;
        while (true) {
            try {
                bus.publish(e)
                        .toCompletableFuture()
                        .get(PUBLISH_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
                return since(started);
            } catch (Exception failed) {
                if (since(started).compareTo(Duration.ofSeconds(60)) > 0) {
                    throw new AssertionError("publishing did not resume within 60 s", failed);
                }
                sleep(5);
            }
        }
    }

    private static boolean waitFor(Set<String> received, String id) {
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
            if (received.contains(id)) {
                return true;
            }
            sleep(10);
        }
        return false;
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private static void sleepUntil(long startNanos, Duration d) {
        long left = d.toMillis() - since(startNanos).toMillis();
        if (left > 0) {
            sleep(left);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(String what, Duration d) {
        System.out.printf("[measured] %s %d ms%n", what, d.toMillis());
    }
}
