package dev.adxcore.platform.events.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.RetryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Publish and every delivery attempt on the in-memory bus make one trace: producer, then consumer spans. */
class InMemoryBusTracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final UUID TENANT = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");
    /** What an exception message may carry: tenant data, a credential. Must never reach a span. */
    private static final String SECRET = "alice@acme.example password=hunter2";

    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private EventBus bus;

    private static EventBus open(String uri) {
        return EventBuses.open(
                uri,
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .build());
    }

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void anEventPublishedWhereNoTraceIsCurrentStaysInTheTraceItWasBuiltIn() throws Exception {
        bus = open("memory:");
        List<String> received = new CopyOnWriteArrayList<>();
        bus.subscribe(
                EventSubscription.builder("audit", e -> received.add(e.id())).build());
        Event built;
        try (PlatformContext.Scope ignored = PlatformContext.builder()
                .tenantId(TENANT)
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .build()
                .bind()) {
            built = Event.builder("user.created").build(); // as recorded in an outbox inside the request
        }
        // later, on a thread with no context at all (the outbox relay's)
        Thread relay = new Thread(() -> bus.publish(built).toCompletableFuture().join());
        relay.start();
        relay.join();
        await().atMost(Duration.ofSeconds(10)).until(() -> OTEL.getSpans().size() >= 2);
        SpanData producer = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst()
                .orElseThrow();
        assertThat(producer.getTraceId())
                .as("the request's trace, not a new root")
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(producer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        SpanData consumer = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .findFirst()
                .orElseThrow();
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(received).containsExactly(built.id());
    }

    @Test
    void publishThenConsumeIsOneTraceAndEachRetryIsAConsumerSpanOfThePublish() throws Exception {
        bus = open("memory:");
        AtomicInteger calls = new AtomicInteger();
        List<String> handlerTraces = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("welcome", e -> {
                    handlerTraces.add(PlatformContext.current()
                            .flatMap(PlatformContext::trace)
                            .orElseThrow()
                            .toHeader());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first attempt fails for " + SECRET);
                    }
                })
                .types("user.created")
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .build());
        PlatformContext request = PlatformContext.builder()
                .tenantId(TENANT)
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .build();
        try (PlatformContext.Scope ignored = request.bind()) {
            bus.publish(Event.builder("user.created").build())
                    .toCompletableFuture()
                    .get();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> OTEL.getSpans().size() >= 3);

        List<SpanData> spans = OTEL.getSpans();
        SpanData producer = spans.stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst()
                .orElseThrow();
        assertThat(producer.getName()).isEqualTo("send user.created");
        assertThat(producer.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(producer.getParentSpanId()).as("the request's span").isEqualTo("00f067aa0ba902b7");
        List<SpanData> consumers =
                spans.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).toList();
        assertThat(consumers).hasSize(2).allSatisfy(c -> {
            assertThat(c.getName()).isEqualTo("process user.created");
            assertThat(c.getTraceId()).isEqualTo(producer.getTraceId());
            assertThat(c.getParentSpanId()).isEqualTo(producer.getSpanId());
            assertThat(c.getAttributes().asMap().toString()).contains("messaging.consumer.group.name=welcome");
        });
        assertThat(consumers.stream()
                        .map(c -> c.getStatus().getStatusCode().name())
                        .sorted()
                        .toList())
                .containsExactly("ERROR", "UNSET");
        SpanData failed = consumers.stream()
                .filter(c -> c.getStatus().getStatusCode() == StatusCode.ERROR)
                .findFirst()
                .orElseThrow();
        assertOnlyTheErrorTypeIsRecorded(failed, IllegalStateException.class);
        assertThat(handlerTraces)
                .as("the handler's bound trace is its consumer span")
                .containsExactlyInAnyOrderElementsOf(consumers.stream()
                        .map(c -> "00-" + c.getTraceId() + "-" + c.getSpanId() + "-01")
                        .toList());
    }

    @Test
    void aRejectedPublishRecordsTheErrorTypeButNotTheExceptionMessage() throws Exception {
        bus = open("memory:?capacity=1&whenFull=fail");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe(EventSubscription.builder("slow", e -> {
                    started.countDown();
                    release.await();
                })
                .types("job.queued")
                .build());
        try {
            bus.publish(Event.builder("job.queued").build())
                    .toCompletableFuture()
                    .get();
            started.await();
            CompletableFuture<Void> rejected = bus.publish(Event.builder("job.queued")
                            .extension("note", SECRET)
                            .build())
                    .toCompletableFuture();
            assertThatThrownBy(rejected::get).cause().isInstanceOf(EventPublishException.class);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> OTEL.getSpans().stream()
                        .anyMatch(s -> s.getKind() == SpanKind.PRODUCER
                                && s.getStatus().getStatusCode() == StatusCode.ERROR));
        SpanData rejectedSpan = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER && s.getStatus().getStatusCode() == StatusCode.ERROR)
                .findFirst()
                .orElseThrow();
        assertOnlyTheErrorTypeIsRecorded(rejectedSpan, EventPublishException.class);
        assertThat(rejectedSpan.getAttributes().asMap().toString())
                .as("the buffer-full message names the subscription; it is not on the span")
                .doesNotContain("is full");
    }

    /** Status ERROR with no description, error.type = the class name, no exception event, no message anywhere. */
    private static void assertOnlyTheErrorTypeIsRecorded(SpanData span, Class<? extends Throwable> type) {
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEmpty();
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(type.getName());
        assertThat(span.getEvents())
                .as("no exception event (it would carry the message)")
                .isEmpty();
        assertThat(span.toString()).doesNotContain(SECRET).doesNotContain("hunter2");
    }

    @Test
    void anEventWithoutTraceStartsItsOwnTraceAtPublish() throws Exception {
        bus = open("memory:");
        bus.subscribe(EventSubscription.builder("w", e -> {}).types("a.b").build());
        bus.publish(Event.builder("a.b").withoutContext().build())
                .toCompletableFuture()
                .get();
        await().atMost(Duration.ofSeconds(10)).until(() -> OTEL.getSpans().size() >= 2);
        SpanData producer = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst()
                .orElseThrow();
        assertThat(producer.getParentSpanContext().isValid()).isFalse();
        assertThat(OTEL.getSpans())
                .filteredOn(s -> s.getKind() == SpanKind.CONSUMER)
                .singleElement()
                .satisfies(c -> assertThat(c.getParentSpanId()).isEqualTo(producer.getSpanId()));
    }
}
