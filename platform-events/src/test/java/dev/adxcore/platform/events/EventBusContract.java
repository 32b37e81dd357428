package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventBus} must show, whatever its transport. A provider's test class extends
 * this and implements {@link #createBus(EventBusOptions)}:
 *
 * <pre>{@code
 * class RedisEventBusContractTest extends EventBusContract {
 *     protected EventBus createBus(EventBusOptions options) {
 *         return EventBuses.open(URI.create(redisUrl), options);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test opens a fresh bus and uses subscription ids and event types no other test uses (random
 * suffixes), so a transport whose state outlives the bus (a shared Redis server) needs no cleanup between
 * tests. Waits are bounded by {@link #deliveryTimeout()}; checks that something does <em>not</em> happen
 * first wait for a probe subscription to receive the same event, then for {@link #quietPeriod()}.
 *
 * @since 0.1.0
 */
public abstract class EventBusContract {

    /** The bus under test, opened before each test and closed after it. */
    protected EventBus bus;

    private final String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /**
     * Opens a new bus of the transport under test.
     *
     * @param options the options the test wants (a meter registry, and sometimes a size limit)
     * @return a started bus
     */
    protected abstract EventBus createBus(EventBusOptions options);

    /**
     * How long a test waits for an event to arrive; generous by default.
     *
     * @return the wait, 10 s unless overridden
     */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * How long a test watches for an event that must not arrive, after a probe has received it.
     *
     * @return the quiet period, 300 ms unless overridden
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    /**
     * The options tests use unless they need others.
     *
     * @return options with a private meter registry and short timeouts
     */
    protected EventBusOptions.Builder options() {
        return EventBusOptions.builder()
                .meterRegistry(new SimpleMeterRegistry())
                .closeTimeout(Duration.ofSeconds(5))
                .serviceName("contract");
    }

    @BeforeEach
    void openBus() {
        bus = createBus(options().build());
    }

    @AfterEach
    void closeBus() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(2));
        }
    }

    // ------------------------------------------------------------------ delivery

    @Test
    void everySubscriptionGetsEveryMatchingEvent() {
        String type = type("order.placed");
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        bus.subscribe(sub(id("billing"), a).types(type).build());
        bus.subscribe(sub(id("shipping"), b).types(type).build());

        List<String> ids = publishMany(type, 20);

        awaitIds(a, ids);
        awaitIds(b, ids);
        assertThat(a.ids()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(b.ids()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void eventArrivesWithEveryAttributeAndItsDataUnchanged() {
        String type = type("user.created");
        Recorder r = new Recorder();
        bus.subscribe(sub(id("audit"), r).types(type).build());
        Event parent = Event.builder(type("request.received"))
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .userId("user-7")
                .build();
        Event event = Event.builder(type)
                .causedBy(parent)
                .source(URI.create("/user-service"))
                .time(Instant.parse("2025-01-02T03:04:05.123456789Z"))
                .subject("users/42")
                .aggregate("user", "42")
                .sourceService("user-service")
                .version(2)
                .extension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .extension("priority", 3)
                .extension("replayable", true)
                .data("{ \"email\" : \"a@example.com\", \"tags\": [1, 2.50, null] }")
                .build();

        join(bus.publish(event));

        awaitCount(r, 1);
        assertThat(r.events().get(0)).isEqualTo(event);
        assertThat(r.events().get(0).data()).isEqualTo(event.data());
    }

    @Test
    void handlerRunsWithTheEventsContextBoundAndItsOwnEventsCarryTheFlowOn() {
        String type = type("user.created");
        String followType = type("user.welcomed");
        UUID tenant = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");
        Map<String, Object> seen = new ConcurrentHashMap<>();
        CountDownLatch handled = new CountDownLatch(1);
        bus.subscribe(sub(id("welcomer"), event -> {
                    dev.adxcore.platform.core.PlatformContext ctx = dev.adxcore.platform.core.PlatformContext.require();
                    seen.put("context", ctx);
                    seen.put(
                            "mdcTenant",
                            String.valueOf(org.slf4j.MDC.get(dev.adxcore.platform.core.MdcKeys.TENANT_ID)));
                    seen.put("follow", Event.builder(followType).data("{}").build()); // nothing set by hand
                    handled.countDown();
                })
                .types(type)
                .build());
        dev.adxcore.platform.core.PlatformContext request = dev.adxcore.platform.core.PlatformContext.builder()
                .tenantId(tenant)
                .userId("alice")
                .roles("admin")
                .correlationId("corr-77")
                .trace(dev.adxcore.platform.core.TraceParent.newRoot())
                .causalToken("0/16B3748")
                .build();
        Event created;
        try (dev.adxcore.platform.core.PlatformContext.Scope ignored = request.bind()) {
            created = Event.builder(type).aggregate("user", "1").data("{}").build();
        }
        assertThat(created.tenantId()).contains(tenant);
        assertThat(created.userId()).contains("alice");
        assertThat(created.correlationId()).isEqualTo("corr-77");
        assertThat(created.causalToken()).contains("0/16B3748");
        assertThat(created.trace().orElseThrow().traceId())
                .isEqualTo(request.trace().orElseThrow().traceId());

        join(bus.publish(created));
        await().atMost(deliveryTimeout()).until(() -> handled.getCount() == 0);

        dev.adxcore.platform.core.PlatformContext ctx = (dev.adxcore.platform.core.PlatformContext) seen.get("context");
        assertThat(ctx.tenantId()).contains(tenant);
        assertThat(ctx.userId()).contains("alice");
        assertThat(ctx.roles()).as("roles never travel with events").isEmpty();
        assertThat(ctx.correlationId()).isEqualTo("corr-77");
        assertThat(ctx.causationId()).contains(created.id());
        assertThat(ctx.causalToken()).contains("0/16B3748");
        assertThat(ctx.trace().orElseThrow().traceId())
                .isEqualTo(request.trace().orElseThrow().traceId());
        assertThat(seen.get("mdcTenant")).isEqualTo(tenant.toString());
        Event follow = (Event) seen.get("follow");
        assertThat(follow.tenantId()).contains(tenant);
        assertThat(follow.correlationId()).isEqualTo("corr-77");
        assertThat(follow.causationId()).contains(created.id());
    }

    @Test
    void aHandlerThreadKeepsNoContextAfterADeliveryEvenWhenTheHandlerThrows() {
        String type = type("context.leak");
        UUID tenant = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");
        List<Object> afterwards = new CopyOnWriteArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        bus.subscribe(sub(id("leaky"), event -> {
                    if (event.tenantId().isPresent() && failed.compareAndSet(false, true)) {
                        throw new IllegalStateException("handler failed once");
                    }
                    afterwards.add(
                            event.tenantId().isPresent()
                                    ? "tenant-event"
                                    : dev.adxcore.platform.core.PlatformContext.current()
                                                    .flatMap(c -> c.tenantId())
                                                    .map(Object::toString)
                                                    .orElse("no-tenant")
                                            + "/" + org.slf4j.MDC.get(dev.adxcore.platform.core.MdcKeys.TENANT_ID));
                })
                .types(type)
                .retryPolicy(fastRetries(3))
                .build());

        join(bus.publish(
                Event.builder(type).tenantId(tenant).aggregate("a", "1").build()));
        join(bus.publish(
                Event.builder(type).withoutContext().aggregate("a", "1").build()));

        await().atMost(deliveryTimeout()).until(() -> afterwards.size() == 2);
        assertThat(afterwards).containsExactly("tenant-event", "no-tenant/null");
    }

    @Test
    void consumersSharingAnIdShareTheLoadAndEachEventGoesToOneOfThem() {
        String type = type("invoice.issued");
        String group = id("mailer");
        Recorder first = new Recorder().slowBy(Duration.ofMillis(10));
        Recorder second = new Recorder().slowBy(Duration.ofMillis(10));
        bus.subscribe(sub(group, first).types(type).build());
        bus.subscribe(sub(group, second).types(type).build());

        // Two waves: a consumer that is first to read may take the whole first wave in one read (a Redis stream
        // read returns up to batchSize entries) before the other has issued its first read; by the second wave
        // both are reading, and the group hands new events to whichever waits.
        List<String> ids = new ArrayList<>();
        for (int wave = 0; wave < 2; wave++) {
            for (int i = 0; i < 20; i++) {
                ids.add(publish(Event.builder(type)
                        .data("{\"n\":" + (wave * 20 + i) + "}")
                        .build()));
            }
            int published = ids.size();
            await().atMost(deliveryTimeout()).until(() -> first.count() + second.count() >= published);
        }
        List<String> all = new ArrayList<>(first.ids());
        all.addAll(second.ids());
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(first.count()).as("events handled by the first consumer").isPositive();
        assertThat(second.count()).as("events handled by the second consumer").isPositive();
    }

    @Test
    void exactTypePatternMatchesOnlyThatType() {
        String prefix = type("account");
        Recorder exact = new Recorder();
        bus.subscribe(sub(id("exact"), exact).types(prefix + ".opened").build());

        String opened = publish(Event.builder(prefix + ".opened").build());
        publish(Event.builder(prefix + ".closed").build());
        publish(Event.builder(prefix + ".opened.late").build());

        awaitIds(exact, List.of(opened));
        probeThenQuiet(prefix + ".closed");
        assertThat(exact.ids()).containsExactly(opened);
    }

    @Test
    void prefixPatternMatchesDeeperTypesButNotThePrefixItself() {
        String prefix = type("account");
        Recorder wildcard = new Recorder();
        bus.subscribe(sub(id("wildcard"), wildcard).types(prefix + ".*").build());

        String opened = publish(Event.builder(prefix + ".opened").build());
        String deep = publish(Event.builder(prefix + ".email.changed").build());
        publish(Event.builder(prefix).build());
        publish(Event.builder(prefix + "x.opened").build());

        awaitIds(wildcard, List.of(opened, deep));
        probeThenQuiet(prefix);
        assertThat(wildcard.ids()).containsExactlyInAnyOrder(opened, deep);
    }

    @Test
    void starPatternMatchesEveryType() {
        Recorder everything = new Recorder();
        bus.subscribe(sub(id("everything"), everything).types("*").build());

        String a = publish(Event.builder(type("alpha")).build());
        String b = publish(Event.builder(type("beta.gamma")).build());

        awaitIds(everything, List.of(a, b));
    }

    @Test
    void tenantFilterDeliversOnlyThatTenantsEvents() {
        String type = type("document.saved");
        Recorder tenantA = new Recorder();
        bus.subscribe(sub(id("tenant-a-indexer"), tenantA)
                .types(type)
                .tenantId("aaaaaaaa-0000-4000-8000-00000000000a")
                .build());

        String ofA = publish(Event.builder(type)
                .tenantId("aaaaaaaa-0000-4000-8000-00000000000a")
                .build());
        publish(Event.builder(type)
                .tenantId("bbbbbbbb-0000-4000-8000-00000000000b")
                .build());
        publish(Event.builder(type).build());

        awaitIds(tenantA, List.of(ofA));
        probeThenQuiet(type);
        assertThat(tenantA.ids()).containsExactly(ofA);
    }

    @Test
    void eventsOfOneAggregateArriveInPublicationOrder() {
        String type = type("cart.changed");
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(sub(id("projector"), e -> {
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        Thread.sleep(1);
                    }
                    seen.computeIfAbsent(e.aggregateId().orElseThrow(), k -> new CopyOnWriteArrayList<>())
                            .add(Integer.parseInt(e.data()));
                    handled.incrementAndGet();
                })
                .types(type)
                .concurrency(4)
                .build());

        int aggregates = 5;
        int perAggregate = 40;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < perAggregate; i++) {
            for (int a = 0; a < aggregates; a++) {
                events.add(Event.builder(type)
                        .aggregate("cart", "cart-" + a)
                        .data(Integer.toString(i))
                        .build());
            }
        }
        join(bus.publishAll(events));

        await().atMost(deliveryTimeout()).until(() -> handled.get() >= aggregates * perAggregate);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perAggregate; i++) {
            expected.add(i);
        }
        for (int a = 0; a < aggregates; a++) {
            assertThat(seen.get("cart-" + a)).as("cart-" + a).containsExactlyElementsOf(expected);
        }
    }

    // ------------------------------------------------------------------ failures

    @Test
    void failingHandlerIsRetriedUntilItSucceeds() {
        String type = type("payment.captured");
        AtomicInteger calls = new AtomicInteger();
        Recorder succeeded = new Recorder();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        String sub = id("ledger");
        bus.subscribe(sub(sub, e -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("database briefly unavailable");
                    }
                    succeeded.handle(e);
                })
                .types(type)
                .retryPolicy(fastRetries(5))
                .deadLetterHandler(dead::add)
                .build());

        String id = publish(Event.builder(type).build());

        awaitIds(succeeded, List.of(id));
        assertThat(calls).hasValue(3);
        assertThat(dead).isEmpty();
        assertThat(bus.deadLetters(sub, 10)).isEmpty();
    }

    @Test
    void exhaustedRetriesEndInTheDeadLettersWithTheirCause() {
        String type = type("email.requested");
        String sub = id("smtp");
        AtomicInteger calls = new AtomicInteger();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        bus.subscribe(sub(sub, e -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("smtp server refused: 554");
                })
                .types(type)
                .retryPolicy(fastRetries(3))
                .deadLetterHandler(dead::add)
                .build());

        Event event = Event.builder(type).data("{\"to\":\"a@example.com\"}").build();
        publish(event);

        await().atMost(deliveryTimeout()).until(() -> dead.size() == 1);
        DeadLetter dl = dead.get(0);
        assertThat(dl.event()).isEqualTo(event);
        assertThat(dl.subscriptionId()).isEqualTo(sub);
        assertThat(dl.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(dl.errorMessage()).isEqualTo("smtp server refused: 554");
        assertThat(dl.attempts()).isEqualTo(3);
        assertThat(calls).hasValue(3);
        assertThat(dl.firstFailure()).isAfterOrEqualTo(before).isBeforeOrEqualTo(dl.lastFailure());
        assertThat(dl.lastFailure()).isAfter(dl.firstFailure());
        await().atMost(deliveryTimeout())
                .untilAsserted(() -> assertThat(bus.deadLetters(sub, 10))
                        .extracting(d -> d.event().id())
                        .containsExactly(event.id()));
    }

    @Test
    void nonRetryableFailureGoesToTheDeadLettersAtOnce() {
        String type = type("signup.submitted");
        AtomicInteger calls = new AtomicInteger();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(sub(id("validator"), e -> {
                    calls.incrementAndGet();
                    throw new NonRetryableEventException("email address is malformed");
                })
                .types(type)
                .retryPolicy(fastRetries(5))
                .deadLetterHandler(dead::add)
                .build());

        publish(Event.builder(type).build());

        await().atMost(deliveryTimeout()).until(() -> dead.size() == 1);
        assertThat(dead.get(0).attempts()).isEqualTo(1);
        assertThat(dead.get(0).errorClass()).isEqualTo(NonRetryableEventException.class.getName());
        assertThat(dead.get(0).errorMessage()).isEqualTo("email address is malformed");
        assertThat(calls).hasValue(1);
    }

    @Test
    void hangingHandlerTimesOutIntoTheDeadLetters() {
        String type = type("report.requested");
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        toClose.add(never::countDown);
        bus.subscribe(sub(id("reporter"), e -> never.await())
                .types(type)
                .handlerTimeout(Duration.ofMillis(200))
                .retryPolicy(RetryPolicy.noRetries())
                .deadLetterHandler(dead::add)
                .build());

        publish(Event.builder(type).build());

        await().atMost(deliveryTimeout()).until(() -> dead.size() == 1);
        assertThat(dead.get(0).errorClass()).contains("Timeout");
        assertThat(dead.get(0).attempts()).isEqualTo(1);
    }

    @Test
    void hangingHandlerDoesNotDelayOtherSubscriptions() {
        String type = type("image.uploaded");
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        AtomicInteger hangingCalls = new AtomicInteger();
        bus.subscribe(sub(id("thumbnailer"), e -> {
                    hangingCalls.incrementAndGet();
                    release.await();
                })
                .types(type)
                .handlerTimeout(Duration.ofMinutes(5))
                .build());
        Recorder other = new Recorder();
        bus.subscribe(sub(id("catalog"), other).types(type).build());

        List<String> ids = publishMany(type, 5);

        awaitIds(other, ids);
        assertThat(hangingCalls)
                .as("the hanging handler is still on its first event")
                .hasValue(1);
    }

    @Test
    void poisonEventDoesNotStopTheSubscription() {
        String type = type("row.imported");
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        Recorder good = new Recorder();
        bus.subscribe(sub(id("importer"), e -> {
                    if (e.data().contains("poison")) {
                        throw new IllegalArgumentException("cannot parse row");
                    }
                    good.handle(e);
                })
                .types(type)
                .retryPolicy(fastRetries(2))
                .deadLetterHandler(dead::add)
                .build());

        String poison = publish(
                Event.builder(type).aggregate("file", "f1").data("\"poison\"").build());
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            after.add(publish(Event.builder(type)
                    .aggregate("file", "f1")
                    .data("\"row " + i + "\"")
                    .build()));
        }

        awaitIds(good, after);
        assertThat(good.ids()).containsExactlyElementsOf(after);
        await().atMost(deliveryTimeout()).until(() -> dead.size() == 1);
        assertThat(dead.get(0).event().id()).isEqualTo(poison);
        assertThat(dead.get(0).errorMessage()).isEqualTo("cannot parse row");
    }

    @Test
    void replayedDeadLettersAreDeliveredAgainAndLeaveTheDeadLetters() {
        String type = type("stock.reserved");
        String sub = id("warehouse");
        AtomicBoolean broken = new AtomicBoolean(true);
        Recorder handled = new Recorder();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(sub(sub, e -> {
                    if (broken.get()) {
                        throw new NonRetryableEventException("warehouse closed");
                    }
                    handled.handle(e);
                })
                .types(type)
                .deadLetterHandler(dead::add)
                .build());
        List<String> ids = publishMany(type, 3);
        await().atMost(deliveryTimeout()).until(() -> dead.size() == 3);
        await().atMost(deliveryTimeout()).until(() -> bus.deadLetters(sub, 10).size() == 3);

        broken.set(false);
        int replayed = bus.replayDeadLetters(sub);

        assertThat(replayed).isEqualTo(3);
        awaitIds(handled, ids);
        await().atMost(deliveryTimeout()).until(() -> bus.deadLetters(sub, 10).isEmpty());
    }

    @Test
    void deadLettersAreListedOldestFirstUpToTheLimit() {
        String type = type("sms.requested");
        String sub = id("sms");
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(sub(sub, e -> {
                    throw new NonRetryableEventException("no phone number");
                })
                .types(type)
                .deadLetterHandler(dead::add)
                .build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(publish(Event.builder(type).aggregate("user", "u1").build()));
        }
        await().atMost(deliveryTimeout()).until(() -> dead.size() == 3);

        await().atMost(deliveryTimeout())
                .untilAsserted(() -> assertThat(bus.deadLetters(sub, 2))
                        .extracting(d -> d.event().id())
                        .containsExactly(ids.get(0), ids.get(1)));
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void unsubscribeStopsDelivery() {
        String type = type("price.changed");
        String sub = id("pricing-cache");
        Recorder r = new Recorder();
        bus.subscribe(sub(sub, r).types(type).build());
        String before = publish(Event.builder(type).build());
        awaitIds(r, List.of(before));

        assertThat(bus.unsubscribe(sub)).isTrue();
        publish(Event.builder(type).build());

        probeThenQuiet(type);
        assertThat(r.ids()).containsExactly(before);
    }

    @Test
    void unsubscribeOfAnUnknownIdReturnsFalse() {
        assertThat(bus.unsubscribe(id("never-subscribed"))).isFalse();
    }

    @Test
    void closingTheSubscriptionHandleStopsDelivery() {
        String type = type("session.ended");
        Recorder r = new Recorder();
        Subscription handle = bus.subscribe(sub(id("sessions"), r).types(type).build());
        String before = publish(Event.builder(type).build());
        awaitIds(r, List.of(before));

        handle.close();
        publish(Event.builder(type).build());

        assertThat(handle.isActive()).isFalse();
        probeThenQuiet(type);
        assertThat(r.ids()).containsExactly(before);
    }

    @Test
    void publishAfterCloseFails() {
        bus.close(Duration.ofSeconds(2));

        assertThatThrownBy(() -> bus.publish(Event.builder(type("late.event")).build()))
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void subscribeAfterCloseFails() {
        bus.close(Duration.ofSeconds(2));

        assertThatThrownBy(() -> bus.subscribe(sub(id("late"), new Recorder()).build()))
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closeLetsInFlightDeliveriesFinish() {
        String type = type("batch.closed");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        bus.subscribe(sub(id("closer"), e -> {
                    started.countDown();
                    Thread.sleep(200);
                    finished.set(true);
                })
                .types(type)
                .build());
        publish(Event.builder(type).build());
        await().atMost(deliveryTimeout()).until(() -> started.getCount() == 0);

        boolean drained = bus.close(Duration.ofSeconds(5));

        assertThat(drained).isTrue();
        assertThat(finished).isTrue();
    }

    @Test
    void oversizedEventIsRejectedAtPublish() throws Exception {
        bus.close(Duration.ofSeconds(2));
        bus = createBus(options().maxEventBytes(2048).build());
        Event big = Event.builder(type("blob.stored"))
                .data("\"" + "x".repeat(4096) + "\"")
                .build();

        assertThatThrownBy(() -> bus.publish(big))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("above the limit of 2048 bytes");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * @param name a readable stem
     * @return a subscription id unique to this test run
     */
    protected String id(String name) {
        return name + "-" + run;
    }

    /**
     * @param name a readable stem, lowercase
     * @return an event type unique to this test run
     */
    protected String type(String name) {
        return "contract." + run + "." + name;
    }

    private static EventSubscription.Builder sub(String id, EventHandler handler) {
        return EventSubscription.builder(id, handler).handlerTimeout(Duration.ofSeconds(30));
    }

    private static RetryPolicy fastRetries(int attempts) {
        return RetryPolicy.exponential(attempts, Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private String publish(Event event) {
        join(bus.publish(event));
        return event.id();
    }

    private List<String> publishMany(String type, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(publish(Event.builder(type).data("{\"n\":" + i + "}").build()));
        }
        return ids;
    }

    private void join(java.util.concurrent.CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("publish did not complete: " + e, e);
        }
    }

    private void awaitIds(Recorder r, List<String> ids) {
        await().atMost(deliveryTimeout()).until(() -> new HashSet<>(r.ids()).containsAll(ids));
    }

    private void awaitCount(Recorder r, int count) {
        await().atMost(deliveryTimeout()).until(() -> r.count() >= count);
    }

    /**
     * Proves an event of this type was dispatched by receiving it on a fresh probe subscription (published
     * after everything else of the test), then waits the quiet period so that a wrong delivery would show.
     */
    private void probeThenQuiet(String type) {
        Recorder probe = new Recorder();
        bus.subscribe(sub(id("probe-" + UUID.randomUUID().toString().substring(0, 8)), probe)
                .types(type)
                .build());
        String id = publish(Event.builder(type).build());
        awaitIds(probe, List.of(id));
        try {
            Thread.sleep(quietPeriod().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records what a handler receives, in order. */
    protected static final class Recorder implements EventHandler {
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private Duration delay = Duration.ZERO;

        Recorder slowBy(Duration delay) {
            this.delay = delay;
            return this;
        }

        @Override
        public void handle(Event event) throws Exception {
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            events.add(event);
        }

        List<Event> events() {
            return events;
        }

        List<String> ids() {
            return events.stream().map(Event::id).toList();
        }

        int count() {
            return events.size();
        }
    }
}
