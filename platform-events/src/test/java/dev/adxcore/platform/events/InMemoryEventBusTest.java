package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the in-memory bus does: bounded buffers, its URI parameters, metrics, health and draining. */
class InMemoryEventBusTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private EventBus bus;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (bus != null) {
            bus.close(Duration.ofSeconds(2));
        }
    }

    private EventBus open(String uri) {
        bus = EventBuses.open(
                uri,
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .publishTimeout(Duration.ofMillis(200))
                        .build());
        return bus;
    }

    private void subscribeBlocked(String id, CountDownLatch started) {
        bus.subscribe(EventSubscription.builder(id, e -> {
                    started.countDown();
                    release.await();
                })
                .types("job.queued")
                .build());
    }

    @Test
    void fullBufferFailsThePublishWhenWhenFullIsFail() throws Exception {
        open("memory:?capacity=2&whenFull=fail");
        CountDownLatch started = new CountDownLatch(1);
        subscribeBlocked("worker", started);
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();

        CompletableFuture<Void> third =
                bus.publish(Event.builder("job.queued").build()).toCompletableFuture();

        assertThatThrownBy(third::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(EventPublishException.class)
                .hasMessage(
                        "the in-memory buffer of subscription 'worker' is full (2 events): its consumers are slower "
                                + "than the publishers; raise the capacity (memory:?capacity=...) or speed up the handler");
    }

    @Test
    void fullBufferFailsThePublishAfterPublishTimeoutWhenBlocking() throws Exception {
        open("memory:?capacity=1&whenFull=block");
        subscribeBlocked("worker", new CountDownLatch(1));
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();

        CompletableFuture<Void> second =
                bus.publish(Event.builder("job.queued").build()).toCompletableFuture();

        assertThatThrownBy(second::get)
                .cause()
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("is full (1 events, waited PT0.2S)");
    }

    @Test
    void blockedPublishGoesThroughWhenRoomFreesUp() throws Exception {
        bus = EventBuses.open(
                "memory:?capacity=1",
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .publishTimeout(Duration.ofSeconds(30))
                        .build());
        CountDownLatch started = new CountDownLatch(1);
        subscribeBlocked("worker", started);
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();
        started.await();
        CompletableFuture<Void> second = CompletableFuture.supplyAsync(
                        () -> bus.publish(Event.builder("job.queued").build()))
                .thenCompose(s -> s);

        release.countDown();

        second.get();
        assertThat(second).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void aFullSubscriptionDoesNotTakeEventsFromOthersWhenThePublishFails() throws Exception {
        open("memory:?capacity=1&whenFull=fail");
        subscribeBlocked("slow", new CountDownLatch(1));
        List<Event> fast = new CopyOnWriteArrayList<>();
        bus.subscribe(
                EventSubscription.builder("fast", fast::add).types("job.queued").build());
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();
        await().until(() -> fast.size() == 1);

        CompletableFuture<Void> rejected =
                bus.publish(Event.builder("job.queued").build()).toCompletableFuture();

        assertThat(rejected).isCompletedExceptionally();
        Event next = Event.builder("job.queued").build();
        release.countDown();
        await().until(() -> bus.publish(next).toCompletableFuture().isDone());
        await().until(() -> fast.contains(next));
        assertThat(fast).hasSize(2);
    }

    @Test
    void retryWaitsOnATimerSoOtherAggregatesGoOn() {
        open("memory:");
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger attemptsOfA = new AtomicInteger();
        bus.subscribe(EventSubscription.builder("projector", e -> {
                    String agg = e.aggregateId().orElseThrow();
                    if (agg.equals("a") && attemptsOfA.incrementAndGet() == 1) {
                        handled.add("a-failed");
                        throw new IllegalStateException("first attempt fails");
                    }
                    handled.add(agg);
                })
                .types("doc.changed")
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(500), Duration.ofSeconds(1)))
                .build());

        bus.publish(Event.builder("doc.changed").aggregate("doc", "a").build());
        await().until(() -> handled.contains("a-failed"));
        bus.publish(Event.builder("doc.changed").aggregate("doc", "b").build());

        await().until(() -> handled.size() == 3);
        assertThat(handled).containsExactly("a-failed", "b", "a");
    }

    @Test
    void closeDeliversWhatWasAlreadyQueued() throws Exception {
        open("memory:");
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(EventSubscription.builder("slow", e -> {
                    Thread.sleep(20);
                    handled.incrementAndGet();
                })
                .build());
        for (int i = 0; i < 10; i++) {
            bus.publish(Event.builder("job.queued").build())
                    .toCompletableFuture()
                    .get();
        }

        boolean drained = bus.close(Duration.ofSeconds(10));

        assertThat(drained).isTrue();
        assertThat(handled).hasValue(10);
    }

    @Test
    void closeReportsFalseWhenAHandlerOutlastsTheTimeout() throws Exception {
        open("memory:");
        CountDownLatch started = new CountDownLatch(1);
        subscribeBlocked("stuck", started);
        bus.publish(Event.builder("job.queued").build()).toCompletableFuture().get();
        started.await();

        assertThat(bus.close(Duration.ofMillis(100))).isFalse();
    }

    @Test
    void publishAllPublishesNothingWhenOneEventIsTooLarge() {
        bus = EventBuses.open(
                "memory:",
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .maxEventBytes(2048)
                        .build());
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("all", received::add).build());
        List<Event> events = List.of(
                Event.builder("a.b").build(),
                Event.builder("a.b").data("\"" + "x".repeat(3000) + "\"").build());

        assertThatThrownBy(() -> bus.publishAll(events)).isInstanceOf(InvalidEventException.class);
        assertThat(bus.close(Duration.ofSeconds(2))).isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void eventJustUnderTheLimitIsAccepted() throws Exception {
        bus = EventBuses.open(
                "memory:",
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .maxEventBytes(2048)
                        .build());
        Event probe = Event.builder("a.b")
                .id("fixed")
                .time(java.time.Instant.EPOCH)
                .data("\"\"")
                .build();
        int envelope = CloudEventJson.writeBytes(probe).length;
        Event fits = probe.toBuilder()
                .data("\"" + "é".repeat((2048 - envelope) / 2) + "\"")
                .build();

        assertThat(CloudEventJson.writeBytes(fits).length).isLessThanOrEqualTo(2048);
        bus.publish(fits).toCompletableFuture().get();
    }

    @Test
    void metricsCountPublishedDeliveredRetriedAndDeadLetteredWithoutTenantTags() {
        open("memory:");
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(EventSubscription.builder("billing", e -> {
                    if (e.type().equals("bill.bad") || calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("flaky");
                    }
                })
                .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(1), Duration.ofMillis(1)))
                .build());

        bus.publish(Event.builder("bill.sent")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .build());
        bus.publish(Event.builder("bill.bad")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .build());

        await().until(() -> registry.find("platform.events.dead.lettered").counter() != null
                && registry.find("platform.events.delivered").counter() != null);
        assertThat(registry.get("platform.events.published")
                        .tag("type", "bill.sent")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("platform.events.delivered")
                        .tags("subscription", "billing", "type", "bill.sent")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("platform.events.retried")
                        .tag("type", "bill.bad")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("platform.events.dead.lettered")
                        .tag("type", "bill.bad")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("platform.events.handler.duration")
                        .tag("outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(1);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTags()).noneMatch(t -> t.getValue().equals("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50"));
        }
    }

    @Test
    void eventTypeTagsAreBoundedSoManyTypesShareOtherTag() throws Exception {
        open("memory:");
        for (int i = 0; i < 150; i++) {
            bus.publish(Event.builder("generated.type" + i).build())
                    .toCompletableFuture()
                    .get();
        }

        assertThat(registry.find("platform.events.published").counters()).hasSize(101);
        assertThat(registry.get("platform.events.published")
                        .tag("type", "other")
                        .counter()
                        .count())
                .isEqualTo(50);
    }

    @Test
    void healthIsUpWhileOpenAndDownAfterClose() throws Exception {
        open("memory:");
        HealthCheck check = bus.healthChecks().get(0);
        assertThat(check.check().status()).isEqualTo(HealthStatus.UP);

        bus.close();

        HealthResult closed = check.check();
        assertThat(closed.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(closed.error()).hasValueSatisfying(e -> assertThat(e).contains("is closed"));
    }

    @Test
    void healthIsDegradedWhenASubscriptionBufferIsNearlyFull() throws Exception {
        open("memory:?capacity=10&whenFull=fail");
        subscribeBlocked("backlog", new CountDownLatch(1));
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            stages.add(bus.publish(Event.builder("job.queued").build()).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get();

        HealthResult result = bus.healthChecks().get(0).check();

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.error())
                .hasValue("the buffer of subscription 'backlog' is 9 of 10 events full: its "
                        + "consumers are falling behind");
    }

    @Test
    void eventsQueuedBehindAHangingHandlerAreDeliveredAfterItsTimeout() throws Exception {
        open("memory:");
        CountDownLatch gate = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("serial", e -> {
                    switch (e.id()) {
                        case "gate" -> gate.await();
                        case "hang" -> release.await();
                        default -> handled.add(e.id());
                    }
                })
                .types("job.queued")
                .handlerTimeout(Duration.ofMillis(200))
                .retryPolicy(RetryPolicy.noRetries())
                .deadLetterHandler(dead::add)
                .build());
        bus.publish(Event.builder("job.queued").id("gate").build())
                .toCompletableFuture()
                .get();
        List<String> expected = new ArrayList<>();
        bus.publish(Event.builder("job.queued").id("hang").build())
                .toCompletableFuture()
                .get();
        for (int i = 0; i < 5; i++) {
            expected.add("e-" + i);
            bus.publish(Event.builder("job.queued").id("e-" + i).build())
                    .toCompletableFuture()
                    .get();
        }
        gate.countDown(); // the one worker now takes "hang" and the events behind it together

        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 5 && dead.size() == 1);
        assertThat(handled).containsExactlyElementsOf(expected);
        assertThat(dead.get(0).event().id()).isEqualTo("hang");
        assertThat(dead.get(0).errorClass()).contains("Timeout");
    }
}
