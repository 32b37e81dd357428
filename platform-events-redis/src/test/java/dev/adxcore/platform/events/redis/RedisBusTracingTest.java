package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace through Redis Streams (which Lettuce does not propagate, lettuce#2014): the publish's producer span
 * travels as the event's {@code traceparent} field in the stream record and parents the consumer span.
 */
@PlatformTest
class RedisBusTracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private final RedisServer redis;

    RedisBusTracingTest(RedisServer redis) {
        this.redis = redis;
    }

    @Test
    void publishThenConsumeThroughTheStreamIsOneTrace() throws Exception {
        String prefix = redis.key(UUID.randomUUID().toString().substring(0, 8) + ":");
        EventBus bus = EventBuses.open(
                URI.create(redis.uri() + "?streamKeyPrefix=" + prefix),
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .serviceName("test")
                        .build());
        try {
            bus.subscribe(EventSubscription.builder("welcome", e -> {})
                    .types("user.created")
                    .build());
            try (PlatformContext.Scope ignored = PlatformContext.builder()
                    .trace(TraceParent.parse(PARENT).orElseThrow())
                    .build()
                    .bind()) {
                bus.publish(Event.builder("user.created").build())
                        .toCompletableFuture()
                        .get();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> OTEL.getSpans().stream().anyMatch(s -> s.getKind() == SpanKind.CONSUMER));
        } finally {
            bus.close(Duration.ofSeconds(5));
        }
        SpanData producer = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst()
                .orElseThrow();
        assertThat(producer.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(producer.getAttributes().asMap().toString()).contains("messaging.system=redis");
        assertThat(OTEL.getSpans())
                .filteredOn(s -> s.getKind() == SpanKind.CONSUMER)
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getTraceId()).isEqualTo(producer.getTraceId());
                    assertThat(c.getParentSpanId()).isEqualTo(producer.getSpanId());
                });
    }

    @Test
    void publishAllMakesOneProducerSpanPerEventEachParentingItsConsumer() throws Exception {
        String prefix = redis.key(UUID.randomUUID().toString().substring(0, 8) + ":");
        EventBus bus = EventBuses.open(
                URI.create(redis.uri() + "?streamKeyPrefix=" + prefix),
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .serviceName("test")
                        .build());
        try {
            bus.subscribe(EventSubscription.builder("welcome", e -> {})
                    .types("user.created", "user.deleted")
                    .build());
            try (PlatformContext.Scope ignored = PlatformContext.builder()
                    .trace(TraceParent.parse(PARENT).orElseThrow())
                    .build()
                    .bind()) {
                bus.publishAll(List.of(
                                Event.builder("user.created").build(),
                                Event.builder("user.deleted").build()))
                        .toCompletableFuture()
                        .get();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> OTEL.getSpans().stream()
                                    .filter(s -> s.getKind() == SpanKind.CONSUMER)
                                    .count()
                            == 2);
        } finally {
            bus.close(Duration.ofSeconds(5));
        }
        List<SpanData> producers = OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER)
                .toList();
        assertThat(producers)
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder("send user.created", "send user.deleted");
        assertThat(producers).allSatisfy(p -> {
            assertThat(p.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(p.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(p.getAttributes().asMap().toString()).contains("messaging.system=redis");
        });
        for (SpanData consumer : OTEL.getSpans().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .toList()) {
            SpanData producer = producers.stream()
                    .filter(p -> p.getSpanId().equals(consumer.getParentSpanId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(consumer.getName()).isEqualTo(producer.getName().replace("send", "process"));
        }
    }
}
