package dev.adxcore.platform.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.events.RetryPolicy;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Kafka bus writes to and reads from the broker, looked at with plain Kafka clients. */
@PlatformTest
class KafkaEventBusTest {

    private final KafkaServer kafka;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private String topic;
    private EventBus bus;
    private Admin admin;

    KafkaEventBusTest(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void open() {
        topic = kafka.topic(UUID.randomUUID().toString().substring(0, 8));
        bus = EventBuses.open(
                kafka.uri() + "?topic=" + topic + "&partitions=3&sessionTimeout=6s",
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .serviceName("test")
                        .build());
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        admin = Admin.create(p);
    }

    @AfterEach
    void close() {
        bus.close(Duration.ofSeconds(5));
        admin.close();
    }

    @Test
    void recordsAreKeyedByAggregateIdAndCarryCloudEventsJson() throws Exception {
        Event event = Event.builder("order.placed")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .aggregate("order", "o-42")
                .data("{\"total\":12}")
                .build();

        bus.publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 1);
        ConsumerRecord<byte[], byte[]> r = records.get(0);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("o-42");
        assertThat(header(r, "content-type")).isEqualTo("application/cloudevents+json");
        assertThat(dev.adxcore.platform.events.CloudEventJson.read(r.value())).isEqualTo(event);
    }

    @Test
    void theTopicIsCreatedWithTheConfiguredPartitions() throws Exception {
        assertThat(admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions())
                .hasSize(3);
    }

    @Test
    void withoutTopicCreationAMissingTopicFailsTheStartNamingTheFix() {
        String missing = kafka.topic("missing-" + UUID.randomUUID().toString().substring(0, 8));

        assertThatThrownBy(() -> EventBuses.open(kafka.uri() + "?topic=" + missing + "&createTopics=false"))
                .isInstanceOf(EventException.class)
                .hasMessageEndingWith(
                        "the Kafka topic " + missing + " does not exist and createTopics=false: create it (for"
                                + " example 6 partitions, replication factor 3) or set createTopics=true");
    }

    @Test
    void subscriptionIdIsTheConsumerGroupAndOffsetsAreCommittedOnlyAfterHandling() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(EventSubscription.builder("ledger", e -> {
                    release.await();
                    handled.incrementAndGet();
                })
                .build());
        Event event =
                Event.builder("payment.captured").aggregate("payment", "p1").build();
        bus.publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);
        TopicPartition tp = partitionOf(event);
        long end = endOffset(tp);

        Thread.sleep(1000); // the handler is blocked: several polls and commit rounds pass
        assertThat(committed("ledger", tp))
                .as("committed while the handler runs")
                .isLessThan(end);

        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> committed("ledger", tp) == end);
        assertThat(handled).hasValue(1);
        assertThat(admin.listConsumerGroups().all().get())
                .anyMatch(g -> g.groupId().equals("ledger"));
    }

    @Test
    void poisonEventGoesToTheDeadLetterTopicWithItsCauseInHeadersAndConsumptionGoesOn() throws Exception {
        List<String> good = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("importer", e -> {
                    if (e.data().contains("poison")) {
                        throw new IllegalArgumentException("cannot parse row");
                    }
                    good.add(e.id());
                })
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .deadLetterHandler(dead::add)
                .build());
        Event poison = Event.builder("row.imported")
                .aggregate("file", "f1")
                .data("\"poison\"")
                .build();
        bus.publish(poison).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Event e = Event.builder("row.imported")
                    .aggregate("file", "f1")
                    .data("\"row " + i + "\"")
                    .build();
            after.add(e.id());
            bus.publish(e).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> good.size() == 5 && dead.size() == 1);
        assertThat(good).containsExactlyElementsOf(after);
        ConsumerRecord<byte[], byte[]> dl = readAll(topic + ".dlt.importer", 1).get(0);
        assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo("f1");
        assertThat(dev.adxcore.platform.events.CloudEventJson.read(dl.value())).isEqualTo(poison);
        assertThat(header(dl, "platform.dlt.subscription")).isEqualTo("importer");
        assertThat(header(dl, "platform.dlt.error.class")).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(header(dl, "platform.dlt.error.message")).isEqualTo("cannot parse row");
        assertThat(header(dl, "platform.dlt.attempts")).isEqualTo("3");
        assertThat(header(dl, "platform.dlt.topic")).isEqualTo(topic);
        assertThat(bus.deadLetters("importer", 10)).singleElement().satisfies(d -> {
            assertThat(d.event()).isEqualTo(poison);
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.errorMessage()).isEqualTo("cannot parse row");
            assertThat(d.lastFailure()).isAfter(d.firstFailure());
        });
    }

    @Test
    void malformedRecordIsDeadLetteredWithTheParseErrorAndConsumptionGoesOn() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(
                EventSubscription.builder("reader", e -> handled.add(e.id())).build());
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            raw.send(new ProducerRecord<>(
                            topic,
                            0,
                            "k".getBytes(StandardCharsets.UTF_8),
                            "not json at all".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }
        Event next = Event.builder("job.started").build();
        bus.publish(next).toCompletableFuture().get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(next.id()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !bus.deadLetters("reader", 10).isEmpty());
        DeadLetter dl = bus.deadLetters("reader", 10).get(0);
        assertThat(dl.event().type()).isEqualTo("platform.malformed-record");
        assertThat(dl.event().data()).contains("\"value\":\"not json at all\"").contains("\"partition\":0");
        assertThat(dl.errorClass()).isEqualTo(dev.adxcore.platform.events.InvalidEventException.class.getName());
        ConsumerRecord<byte[], byte[]> raw = readAll(topic + ".dlt.reader", 1).get(0);
        assertThat(new String(raw.value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
        assertThat(header(raw, "platform.dlt.malformed")).isEqualTo("true");

        assertThat(bus.replayDeadLetters("reader"))
                .as("a malformed record cannot be replayed")
                .isZero();
        assertThat(bus.deadLetters("reader", 10)).as("it stays listed").hasSize(1);
        assertThat(handled).containsExactly(next.id());
    }

    @Test
    void replayedDeadLettersGoToTheirOwnSubscriptionOnlyAndLeaveTheList() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> warehouse = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("warehouse", e -> {
                    if (broken.get()) {
                        throw new NonRetryableEventException("warehouse closed");
                    }
                    warehouse.add(e.id());
                })
                .types("stock.reserved")
                .build());
        bus.subscribe(EventSubscription.builder("audit", e -> other.add(e.id()))
                .types("stock.reserved")
                .build());
        Event event = Event.builder("stock.reserved").aggregate("sku", "s1").build();
        bus.publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bus.deadLetters("warehouse", 10).size() == 1 && other.size() == 1);

        broken.set(false);
        assertThat(bus.replayDeadLetters("warehouse")).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> warehouse.contains(event.id()));
        assertThat(bus.deadLetters("warehouse", 10)).isEmpty();
        Thread.sleep(500);
        assertThat(other).as("the other subscription does not get the replay").containsExactly(event.id());
    }

    @Test
    void healthReportsTheClusterAndLiveConsumers() throws Exception {
        bus.subscribe(EventSubscription.builder("healthy", e -> {}).build());

        List<HealthCheck> checks = bus.healthChecks();

        assertThat(checks).extracting(HealthCheck::name).containsExactly("events.kafka", "events.kafka.consumers");
        HealthResult cluster = checks.get(0).check();
        assertThat(cluster.status()).isEqualTo(HealthStatus.UP);
        assertThat(cluster.details())
                .containsEntry("brokers", 1)
                .containsEntry("topic", topic)
                .containsKey("cluster");
        assertThat(checks.get(1).check().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void metricsAreTaggedByTransportSubscriptionAndTypeNeverByTenant() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(EventSubscription.builder("counter", e -> {
                    if (e.type().equals("bad.event")) {
                        throw new NonRetryableEventException("rejected");
                    }
                    handled.add(e.id());
                })
                .build());

        bus.publishAll(List.of(
                        Event.builder("good.event")
                                .tenantId("aaaaaaaa-0000-4000-8000-00000000000a")
                                .build(),
                        Event.builder("good.event")
                                .tenantId("bbbbbbbb-0000-4000-8000-00000000000b")
                                .build(),
                        Event.builder("bad.event").build()))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> handled.size() == 2
                        && registry.find("platform.events.dead.lettered").counter() != null);
        assertThat(registry.get("platform.events.published")
                        .tags("transport", "kafka", "type", "good.event")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get("platform.events.delivered")
                        .tags("subscription", "counter", "type", "good.event")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get("platform.events.dead.lettered")
                        .tags("subscription", "counter", "type", "bad.event")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTags()).noneMatch(t -> t.getValue().startsWith("tenant-"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private TopicPartition partitionOf(Event event) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, 1)) {
            if (dev.adxcore.platform.events.CloudEventJson.read(r.value()).id().equals(event.id())) {
                return new TopicPartition(r.topic(), r.partition());
            }
        }
        throw new AssertionError("event not found in " + topic);
    }

    private long endOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                .partitionResult(tp)
                .get()
                .offset();
    }

    private long committed(String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(tp);
        return o == null ? -1 : o.offset();
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Reads at least {@code atLeast} records of every partition of a topic from the start. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String name, int atLeast) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get()
                        .containsKey(name));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(name).forEach(i -> parts.add(new TopicPartition(name, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records in " + name).hasSizeGreaterThanOrEqualTo(atLeast);
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
