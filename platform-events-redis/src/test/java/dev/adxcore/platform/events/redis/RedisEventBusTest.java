package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PlatformTest
class RedisEventBusTest {

    private final RedisServer redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private String prefix;
    private RedisClient raw;
    private StatefulRedisConnection<String, String> rawConnection;
    private EventBus bus;

    RedisEventBusTest(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void open() {
        prefix = redis.key(UUID.randomUUID().toString().substring(0, 8) + ":");
        raw = RedisClient.create(redis.uri());
        rawConnection = raw.connect();
    }

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close(Duration.ofSeconds(5));
        }
        rawConnection.close();
        raw.shutdown();
    }

    private EventBus open(String parameters) {
        bus = EventBuses.open(
                URI.create(redis.uri() + "?streamKeyPrefix=" + prefix + parameters),
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .serviceName("test")
                        .build());
        return bus;
    }

    /** The sum of a counter over its type tags (delivery counters are tagged by event type). */
    private double count(String meter, String subscription) {
        return registry.find(meter).tag("subscription", subscription).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    private RedisCommands<String, String> redisCli() {
        return rawConnection.sync();
    }

    @Test
    void redisUriOpensTheRedisTransportThroughServiceLoader() throws Exception {
        open("");
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("audit", received::add)
                .types("user.*")
                .build());
        Event event = Event.builder("user.created")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .data("{\"email\":\"a@example.com\"}")
                .build();

        bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0)).isEqualTo(event);
    }

    @Test
    void restartedConsumerResumesAllItsPendingEntriesAtOnceEvenWhenTheyExceedOneBatch() throws Exception {
        open("&consumerName=pod-0&batchSize=100");
        redisCli()
                .xgroupCreate(
                        io.lettuce.core.XReadArgs.StreamOffset.from(prefix + "stream", "0"),
                        "resumer",
                        io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            events.add(Event.builder("meter.read").data(Integer.toString(i)).build());
        }
        bus.publishAll(events).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // a previous instance named pod-0 read them all and died before acknowledging
        var read = redisCli()
                .xreadgroup(
                        io.lettuce.core.Consumer.from("resumer", "pod-0"),
                        io.lettuce.core.XReadArgs.Builder.count(1000),
                        io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(prefix + "stream"));
        assertThat(read).hasSize(250);

        java.util.Set<String> received = java.util.concurrent.ConcurrentHashMap.newKeySet();
        bus.subscribe(
                EventSubscription.builder("resumer", e -> received.add(e.id())).build());

        // well before minIdleBeforeReclaim (60 s): its own pending entries are read again, page after page
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 250);
    }

    @Test
    void publishAllOfMoreEventsThanOneConnectionQueuesIsPublishedWhole() throws Exception {
        open("");
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 25_000; i++) {
            events.add(Event.builder("meter.read").data(Integer.toString(i)).build());
        }

        bus.publishAll(events).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(redisCli().xlen(prefix + "stream")).isEqualTo(25_000);
    }

    @Test
    void publishedEventIsStoredInTheStreamAsCloudEventsJson() throws Exception {
        open("");
        Event event = Event.builder("order.placed").data("{\"total\":12}").build();

        bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);

        var entries = redisCli().xrange(prefix + "stream", io.lettuce.core.Range.create("-", "+"));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getBody().get("event"))
                .contains("\"specversion\":\"1.0\"", "\"type\":\"order.placed\"", "\"data\":{\"total\":12}");
    }

    @Test
    void subscriptionCreatedBeforeANewTypeExistsReceivesIt() throws Exception {
        open("");
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("everything", received::add).build());

        Event brandNew = Event.builder("never.seen.before").build();
        bus.publish(brandNew).toCompletableFuture().get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).id()).isEqualTo(brandNew.id());
    }

    @Test
    void malformedEntryGoesToTheDeadLettersWithItsParseErrorAndTheLoopContinues() throws Exception {
        open("");
        List<Event> received = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("indexer", received::add).build());

        redisCli().xadd(prefix + "stream", Map.of("event", "{not json"));
        redisCli().xadd(prefix + "stream", Map.of("payload", "written by another program"));
        Event good = Event.builder("doc.saved").build();
        bus.publish(good).toCompletableFuture().get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).id()).isEqualTo(good.id());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> bus.deadLetters("indexer", 10).size() == 2);
        List<DeadLetter> dead = bus.deadLetters("indexer", 10);
        assertThat(dead).extracting(DeadLetter::errorClass).containsOnly(InvalidEventException.class.getName());
        assertThat(dead.get(0).errorMessage()).startsWith("not well-formed CloudEvents JSON");
        assertThat(dead.get(0).event().type()).isEqualTo("platform.malformed-entry");
        assertThat(dead.get(0).event().data()).contains("{not json");
        assertThat(dead.get(1).errorMessage()).isEqualTo("stream entry has no 'event' field (fields: [payload])");
        assertThat(dead.get(1).event().data()).contains("written by another program");
    }

    @Test
    void entryDeliveredMoreThanMaxDeliveriesIsDeadLetteredWithoutCallingTheHandler() throws Exception {
        open("&maxDeliveries=2&minIdleBeforeReclaim=300ms&blockTime=100ms");
        String stream = prefix + "stream";
        redisCli()
                .xgroupCreate(
                        XReadArgs.StreamOffset.from(stream, "$"),
                        "crashy",
                        io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        Event poison = Event.builder("job.started").build();
        bus.publish(poison).toCompletableFuture().get(5, TimeUnit.SECONDS);
        // A consumer that crashed on it twice: read once, re-read from its pending list once.
        Consumer<String> ghost = Consumer.from("crashy", "ghost");
        redisCli().xreadgroup(ghost, XReadArgs.StreamOffset.lastConsumed(stream));
        redisCli().xreadgroup(ghost, XReadArgs.StreamOffset.from(stream, "0"));
        List<Event> handled = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();

        bus.subscribe(EventSubscription.builder("crashy", handled::add)
                .handlerTimeout(Duration.ofMillis(100))
                .deadLetterHandler(dead::add)
                .build());
        Event next = Event.builder("job.started").build();
        bus.publish(next).toCompletableFuture().get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
        assertThat(dead.get(0).event().id()).isEqualTo(poison.id());
        assertThat(dead.get(0).attempts()).isEqualTo(3);
        assertThat(dead.get(0).errorMessage()).startsWith("delivered 3 times without being acknowledged");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
        assertThat(handled).extracting(Event::id).containsExactly(next.id());
        assertThat(redisCli().xpending(stream, "crashy").getCount()).isZero();
    }

    @Test
    void entryPendingOnADeadConsumerIsReclaimedAndHandled() throws Exception {
        open("&minIdleBeforeReclaim=300ms&blockTime=100ms");
        String stream = prefix + "stream";
        redisCli()
                .xgroupCreate(
                        XReadArgs.StreamOffset.from(stream, "$"),
                        "billing",
                        io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        Event orphan = Event.builder("invoice.due").build();
        bus.publish(orphan).toCompletableFuture().get(5, TimeUnit.SECONDS);
        redisCli().xreadgroup(Consumer.from("billing", "dead-pod"), XReadArgs.StreamOffset.lastConsumed(stream));
        List<Event> handled = new CopyOnWriteArrayList<>();

        bus.subscribe(EventSubscription.builder("billing", handled::add)
                .handlerTimeout(Duration.ofMillis(100))
                .build());

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
        assertThat(handled.get(0).id()).isEqualTo(orphan.id());
        assertThat(registry.get("platform.events.reclaimed")
                        .tag("subscription", "billing")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redisCli().xpending(stream, "billing").getCount() == 0);
    }

    @Test
    void handlerRunningLongerThanMinIdleKeepsItsEventWhileItsConsumerIsAlive() throws Exception {
        open("&minIdleBeforeReclaim=300ms&blockTime=100ms");
        AtomicInteger calls = new AtomicInteger();
        EventSubscription slow = EventSubscription.builder("transcoder", e -> {
                    calls.incrementAndGet();
                    Thread.sleep(1500);
                })
                .handlerTimeout(Duration.ofSeconds(5))
                .build();
        bus.subscribe(slow);
        bus.subscribe(slow); // a second consumer of the group, ready to reclaim idle entries

        bus.publish(Event.builder("video.uploaded").build())
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> count("platform.events.delivered", "transcoder") == 1.0);
        assertThat(calls).hasValue(1);
        assertThat(registry.get("platform.events.reclaimed")
                        .tag("subscription", "transcoder")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void metricsCountPublishedDeliveredAndDeadLetteredEvents() throws Exception {
        open("");
        List<Event> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("counter", e -> {
                    if (e.type().equals("bad.event")) {
                        throw new dev.adxcore.platform.events.NonRetryableEventException("rejected");
                    }
                    handled.add(e);
                })
                .build());

        bus.publishAll(List.of(
                        Event.builder("good.event").build(),
                        Event.builder("good.event").build(),
                        Event.builder("bad.event").build()))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> handled.size() == 2 && count("platform.events.dead.lettered", "counter") == 1.0);
        assertThat(registry.find("platform.events.published").tag("transport", "redis").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count)
                        .sum())
                .isEqualTo(3.0);
        assertThat(registry.get("platform.events.published")
                        .tag("type", "good.event")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> count("platform.events.delivered", "counter") == 2.0);
    }

    @Test
    void healthChecksReportRedisAndLiveConsumerLoopsAsUp() throws Exception {
        open("");
        bus.subscribe(EventSubscription.builder("healthy", e -> {}).build());

        List<HealthCheck> checks = bus.healthChecks();

        assertThat(checks).extracting(HealthCheck::name).containsExactly("events.redis", "events.redis.consumers");
        for (HealthCheck check : checks) {
            assertThat(check.check().status()).as(check.name()).isEqualTo(HealthStatus.UP);
        }
    }

    @Test
    void handlerIgnoringItsInterruptIsAbandonedAndItsLaneMovesOn() throws Exception {
        open("");
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger stuckCalls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("stubborn", e -> {
                    if (e.data().contains("stuck")) {
                        stuckCalls.incrementAndGet();
                        while (!release.get()) {
                            try {
                                Thread.sleep(10);
                            } catch (InterruptedException ignored) {
                                // swallows the timeout's interrupt and keeps going
                            }
                        }
                        return;
                    }
                    handled.add(e.id());
                })
                .handlerTimeout(Duration.ofMillis(200))
                .concurrency(1)
                .retryPolicy(dev.adxcore.platform.events.RetryPolicy.noRetries())
                .deadLetterHandler(dead::add)
                .build());

        Event stuck = Event.builder("job.run")
                .aggregate("job", "j1")
                .data("\"stuck\"")
                .build();
        bus.publish(stuck).toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<String> others = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Event e = Event.builder("job.run")
                    .aggregate("job", "j" + (i + 2))
                    .data("\"ok\"")
                    .build();
            others.add(e.id());
            bus.publish(e).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 5 && dead.size() == 1);
        assertThat(handled).containsExactlyElementsOf(others);
        assertThat(dead.get(0).event().id()).isEqualTo(stuck.id());
        assertThat(dead.get(0).errorClass()).contains("Timeout");
        assertThat(dead.get(0).attempts()).isEqualTo(1);
        assertThat(stuckCalls).hasValue(1);

        release.set(true); // the abandoned thread finishes late: nothing more is acknowledged or delivered
        Thread.sleep(200);
        assertThat(count("platform.events.delivered", "stubborn")).isEqualTo(5.0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redisCli().xpending(prefix + "stream", "stubborn").getCount() == 0);
    }

    @Test
    void timedOutAttemptIsInterruptedCountedAndRetried() throws Exception {
        open("");
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("sleepy", e -> {
                    if (calls.incrementAndGet() == 1) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException ie) {
                            interrupted.incrementAndGet();
                            throw ie;
                        }
                    }
                    handled.add(e.id());
                })
                .handlerTimeout(Duration.ofMillis(150))
                .retryPolicy(dev.adxcore.platform.events.RetryPolicy.exponential(
                        3, Duration.ofMillis(10), Duration.ofMillis(10)))
                .build());

        Event event = Event.builder("job.run").build();
        bus.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
        assertThat(calls).hasValue(2);
        assertThat(interrupted).hasValue(1);
        assertThat(registry.get("platform.events.handler.failures")
                        .tag("subscription", "sleepy")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redisCli().xpending(prefix + "stream", "sleepy").getCount() == 0);
    }
}
