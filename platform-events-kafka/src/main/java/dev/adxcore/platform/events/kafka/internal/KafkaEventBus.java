package dev.adxcore.platform.events.kafka.internal;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventException;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.events.kafka.KafkaEventBusConfig;
import dev.adxcore.platform.events.spi.ConsumerSettings;
import dev.adxcore.platform.events.spi.DeliveryEngine;
import dev.adxcore.platform.events.spi.EngineConsumer;
import dev.adxcore.platform.events.spi.PublishMeters;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import io.micrometer.core.instrument.Gauge;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka {@link EventBus}: every event goes to one topic (key = aggregate id, value = CloudEvents JSON);
 * each subscription id is a consumer group; each subscribe call is a group member: a {@link KafkaTransport}
 * (polling, offsets, rebalances) run by the shared delivery engine. Publishing uses one idempotent producer
 * ({@code acks=all}); {@code max.block.ms}, {@code delivery.timeout.ms} and {@code request.timeout.ms} follow
 * {@code EventBusOptions.publishTimeout}, so a publish never waits longer. Thread-safe. An expensive resource:
 * broker connections, a producer, an admin client and the engine's threads, plus a consumer and a fetch thread
 * per subscribe call; one per service, closed at shutdown.
 */
public final class KafkaEventBus implements EventBus {

    static final Logger log = LoggerFactory.getLogger(KafkaEventBus.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final KafkaEventBusConfig config;
    final EventBusOptions options;
    private final String masked;
    private final String clientId;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final DeliveryEngine engine;
    private final PublishMeters meters;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile int partitionCount;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> consumersPerGroup = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagGauges = new ConcurrentHashMap<>();
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();
    private final Set<String> deadLetterTopics = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** One subscribe call: the transport and the engine's consumer running it. */
    private record Member(KafkaTransport transport, EngineConsumer<KafkaTransport.Slot> consumer) {}

    private KafkaEventBus(
            KafkaEventBusConfig config,
            EventBusOptions options,
            Admin admin,
            KafkaProducer<byte[], byte[]> producer,
            String clientId,
            int partitionCount) {
        this.config = config;
        this.options = options;
        this.admin = admin;
        this.producer = producer;
        this.clientId = clientId;
        this.partitionCount = partitionCount;
        this.masked = config.maskedUri();
        this.engine = DeliveryEngine.create("kafka", options);
        this.meters = engine.publishMeters();
    }

    /**
     * Connects, makes sure the topic exists (creating it when {@code createTopics}), and returns a started bus.
     *
     * @param config the Kafka settings
     * @param options transport-independent settings
     * @return the bus
     * @throws EventException when the brokers do not answer within the publish timeout, or the topic is missing
     */
    public static KafkaEventBus start(KafkaEventBusConfig config, EventBusOptions options) {
        String clientId = config.clientId().orElseGet(() -> defaultClientId(options));
        // Start-up (first metadata, topic creation) may take longer than one publish: three publish timeouts.
        Duration timeout = options.publishTimeout().multipliedBy(3);
        Admin admin = Admin.create(adminProperties(config, clientId + "-admin", options.publishTimeout()));
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            String cluster = await(admin.describeCluster().clusterId(), timeout, "describe the cluster");
            int partitions = ensureTopic(admin, config, timeout);
            producer =
                    new KafkaProducer<>(producerProperties(config, clientId + "-producer", options.publishTimeout()));
            // the producer's metadata of the topic, fetched now so that the first publish does not wait for it
            partitions = producer.partitionsFor(config.topic()).size();
            KafkaEventBus bus = new KafkaEventBus(config, options, admin, producer, clientId, partitions);
            log.info(
                    "Kafka event bus started: {} (cluster {}, {} partitions, client {})",
                    bus.masked,
                    cluster,
                    partitions,
                    clientId);
            return bus;
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            admin.close(Duration.ZERO);
            throw new EventException(
                    "Cannot start the Kafka event bus at " + config.maskedUri() + ": " + e.getMessage(), e);
        }
    }

    private static String defaultClientId(EventBusOptions options) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        String id = options.serviceName().orElse("platform-events") + "-" + host + "-"
                + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Properties common(KafkaEventBusConfig config, String clientId) {
        Properties p = new Properties();
        p.putAll(config.securityProperties());
        p.put("bootstrap.servers", config.bootstrapServers());
        p.put("client.id", clientId);
        return p;
    }

    private static Properties adminProperties(KafkaEventBusConfig config, String clientId, Duration timeout) {
        Properties p = common(config, clientId);
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis() * 3));
        p.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return p;
    }

    /**
     * The producer: idempotent, {@code acks=all}, in order per partition. Its waits are bounded by the publish
     * timeout: {@code max.block.ms} (metadata, a full buffer), {@code delivery.timeout.ms} (send to confirmed,
     * retries included) and {@code request.timeout.ms} (one request, at most the delivery timeout minus linger).
     */
    static Properties producerProperties(KafkaEventBusConfig config, String clientId, Duration publishTimeout) {
        Properties p = common(config, clientId);
        long timeout = Math.max(1000, publishTimeout.toMillis());
        long linger = config.linger().toMillis();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger));
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(config.batchBytes()));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(500, timeout - linger)));
        p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    Properties consumerProperties(String groupId, String consumerClientId) {
        Properties p = common(config, consumerClientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a new group starts at the end (subscribe commits the end offsets first); a partition added later
        // is read from its start
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.batchSize()));
        long session = config.sessionTimeout().toMillis();
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(session));
        // frequent heartbeats: an existing member learns of a rebalance (a new member, a dead one) within 1 s
        p.putIfAbsent(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.max(100, Math.min(1000, session / 3))));
        p.putIfAbsent(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                Long.toString(config.maxPollInterval().toMillis()));
        p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        p.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Makes sure the topic exists; returns its partition count. */
    private static int ensureTopic(Admin admin, KafkaEventBusConfig config, Duration timeout) {
        String topic = config.topic();
        Optional<TopicDescription> existing = describe(admin, topic, timeout);
        if (existing.isPresent()) {
            return existing.get().partitions().size();
        }
        if (!config.createTopics()) {
            throw new EventException(
                    "the Kafka topic " + topic + " does not exist and createTopics=false: create it (" + "for example "
                            + config.partitions() + " partitions, replication factor 3) or set createTopics=true");
        }
        createTopic(admin, topic, config.partitions(), config.replicationFactor(), timeout);
        log.info(
                "Created Kafka topic {} ({} partitions, replication factor {})",
                topic,
                config.partitions(),
                config.replicationFactor() == -1 ? "the broker's default" : config.replicationFactor());
        return describe(admin, topic, timeout).map(d -> d.partitions().size()).orElse(config.partitions());
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic, Duration timeout) {
        try {
            return Optional.ofNullable(admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new EventException(
                    "Cannot describe the Kafka topic " + topic + ": "
                            + causeOf(e).getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new EventException("Kafka did not answer within " + timeout + " (describing topic " + topic + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventException("interrupted while describing the Kafka topic " + topic, e);
        }
    }

    private static void createTopic(Admin admin, String topic, int partitions, short replication, Duration timeout) {
        NewTopic t = new NewTopic(
                topic, Optional.of(partitions), replication == -1 ? Optional.empty() : Optional.of(replication));
        try {
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new EventException(
                        "Cannot create the Kafka topic " + topic + ": "
                                + causeOf(e).getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new EventException("Kafka did not create the topic " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventException("interrupted while creating the Kafka topic " + topic, e);
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new EventException(
                    "Kafka could not " + what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
        } catch (TimeoutException e) {
            throw new EventException(
                    "Kafka did not answer within " + timeout + " (" + what + "); is it running at "
                            + "the bootstrap servers?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventException("interrupted while waiting for Kafka to " + what, e);
        }
    }

    // ------------------------------------------------------------------------------------------ publish

    @Override
    public CompletionStage<Void> publish(Event event) {
        Objects.requireNonNull(event, "event");
        ensureOpen();
        byte[] json = encode(event);
        return send(List.of(event), List.of(json), event.id());
    }

    /** Validates every event first (an invalid one means none is sent), then sends them all; the producer batches them. */
    @Override
    public CompletionStage<Void> publishAll(List<Event> events) {
        Objects.requireNonNull(events, "events");
        ensureOpen();
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<byte[]> encoded = new ArrayList<>(events.size());
        for (Event e : events) {
            encoded.add(encode(Objects.requireNonNull(e, "event")));
        }
        return send(events, encoded, events.size() == 1 ? events.get(0).id() : events.size() + " events");
    }

    private CompletionStage<Void> send(List<Event> events, List<byte[]> values, String what) {
        long deadline = System.nanoTime() + options.publishTimeout().toNanos();
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            byte[] key = Records.key(e);
            Integer partition = key == null ? Math.floorMod(roundRobin.getAndIncrement(), partitionCount) : null;
            try {
                producer.send(
                        new ProducerRecord<>(config.topic(), partition, key, values.get(i), Records.eventHeaders(null)),
                        (metadata, error) -> {
                            if (error == null) {
                                ack.complete(null);
                            } else {
                                ack.completeExceptionally(error);
                            }
                        });
            } catch (RuntimeException error) {
                ack.completeExceptionally(error); // metadata or buffer not available within max.block.ms, or closed
                for (int j = i + 1; j < events.size(); j++) {
                    acks.add(CompletableFuture.failedFuture(error));
                }
                break;
            }
        }
        CompletableFuture<Void> all =
                acks.size() == 1 ? acks.get(0) : CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        long left = Math.max(0, deadline - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(100);
        return all.orTimeout(left, TimeUnit.NANOSECONDS).handle((ok, error) -> {
            if (error == null) {
                for (Event e : events) {
                    meters.published(e.type(), 1);
                }
                return null;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            boolean timedOut = cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException;
            meters.failed(timedOut ? "timeout" : "unavailable", events.size());
            String reason = timedOut
                    ? "Kafka did not confirm within publishTimeout " + options.publishTimeout() + " ("
                            + cause.getMessage() + ")"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            throw new EventPublishException(
                    "Event " + what + " was not published to Kafka topic " + config.topic() + " at " + masked + ": "
                            + reason,
                    cause);
        });
    }

    private byte[] encode(Event event) {
        byte[] json = CloudEventJson.writeBytes(event);
        if (json.length > options.maxEventBytes()) {
            throw new InvalidEventException("event " + event.id() + " of type " + event.type() + " is " + json.length
                    + " bytes as CloudEvents JSON, above the limit of " + options.maxEventBytes()
                    + " bytes (EventBusOptions.maxEventBytes)");
        }
        return json;
    }

    private void ensureOpen() {
        if (closed) {
            throw new EventPublishException("the Kafka event bus is closed");
        }
    }

    // ------------------------------------------------------------------------------------------ subscribe

    @Override
    public Subscription subscribe(EventSubscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        ensureOpen();
        String groupId = config.groupId(subscription.id());
        startGroupAtTheEnd(groupId);
        int n = consumersPerGroup
                .computeIfAbsent(subscription.id(), k -> new AtomicInteger())
                .incrementAndGet();
        String consumerClientId = clientId + "-" + subscription.id() + (n == 1 ? "" : "-" + n);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(groupId, consumerClientId));
        KafkaTransport transport = new KafkaTransport(this, subscription, consumer);
        int concurrency = Math.max(subscription.concurrency(), config.handlerConcurrency());
        ConsumerSettings settings = ConsumerSettings.builder("kafka-events-" + subscription.id() + "-poll")
                .concurrency(concurrency)
                .maxInFlight(config.maxInFlight())
                .build();
        EngineConsumer<KafkaTransport.Slot> running = engine.start(subscription, transport, settings);
        members.add(new Member(transport, running));
        try {
            // returns once this consumer is a member of its group (its partitions may follow a moment later)
            transport.joined.get(options.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn(
                    "Subscription {}: the consumer has not joined group {} within {}; it goes on trying",
                    subscription.id(),
                    groupId,
                    options.publishTimeout());
        }
        log.info(
                "Subscription {} started: consumer {} of group {} on {} (types {}, concurrency {})",
                subscription.id(),
                consumerClientId,
                groupId,
                config.topic(),
                subscription.types(),
                concurrency);
        return running;
    }

    /**
     * A group without committed offsets gets the topic's end offsets committed before its first member joins, so
     * that it receives exactly the events published after it subscribed (whenever its join completes). A group
     * that has offsets, or members, is left alone.
     */
    private void startGroupAtTheEnd(String groupId) {
        Duration timeout = options.publishTimeout();
        Map<TopicPartition, OffsetAndMetadata> committed = await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                timeout,
                "read the offsets of group " + groupId);
        boolean hasOffsets = false;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            if (e.getKey().topic().equals(config.topic()) && e.getValue() != null) {
                hasOffsets = true;
                break;
            }
        }
        if (hasOffsets) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        TopicDescription d = describe(admin, config.topic(), timeout)
                .orElseThrow(() -> new EventException("the Kafka topic " + config.topic() + " disappeared"));
        partitionCount = d.partitions().size();
        d.partitions().forEach(p -> latest.put(new TopicPartition(config.topic(), p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                await(admin.listOffsets(latest).all(), timeout, "read the end offsets of " + config.topic());
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        ends.forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset())));
        try {
            admin.alterConsumerGroupOffsets(groupId, start).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.debug("Consumer group {} starts at the end of {}: {}", groupId, config.topic(), start);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException) {
                return; // another member joined meanwhile: the group has its positions
            }
            throw new EventException(
                    "Kafka could not set the start offsets of group " + groupId + ": "
                            + causeOf(e).getMessage(),
                    causeOf(e));
        } catch (TimeoutException e) {
            throw new EventException(
                    "Kafka did not answer within " + timeout + " (setting the start of group " + groupId + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventException("interrupted while starting group " + groupId, e);
        }
    }

    @Override
    public boolean unsubscribe(String subscriptionId) {
        List<EngineConsumer<?>> stopping = new ArrayList<>();
        for (Member m : members) {
            if (m.transport().subscriptionId().equals(subscriptionId)
                    && m.consumer().isActive()) {
                stopping.add(m.consumer());
            }
        }
        engine.closeAll(stopping, options.closeTimeout());
        return !stopping.isEmpty();
    }

    void removed(KafkaTransport transport) {
        members.removeIf(m -> m.transport() == transport);
    }

    AtomicLong lagGauge(String subscriptionId) {
        return lagGauges.computeIfAbsent(subscriptionId, id -> {
            AtomicLong value = new AtomicLong();
            gauges.add(Gauge.builder("platform.events.lag", value, AtomicLong::get)
                    .description(
                            "Records of the topic the consumer group has not read yet (this instance's partitions)")
                    .tags("transport", "kafka", "subscription", id)
                    .register(options.meterRegistry()));
            return value;
        });
    }

    // ------------------------------------------------------------------------------------------ dead letters

    /** Writes a dead letter to the subscription's dead-letter topic (created on first use) and waits for the ack. */
    void writeDeadLetter(
            String subscriptionId, ConsumerRecord<byte[], byte[]> record, DeadLetter dl, boolean malformed) {
        String topic = config.deadLetterTopic(subscriptionId);
        ensureDeadLetterTopic(topic);
        Future<?> sent = producer.send(new ProducerRecord<>(
                topic, 0, record.key(), record.value(), Records.deadLetterHeaders(record, dl, malformed)));
        awaitSend(sent, "store the dead letter in " + topic);
    }

    private void ensureDeadLetterTopic(String topic) {
        if (deadLetterTopics.contains(topic)) {
            return;
        }
        if (describe(admin, topic, options.publishTimeout()).isEmpty()) {
            if (!config.createTopics()) {
                throw new EventException("the dead-letter topic " + topic + " does not exist and createTopics=false:"
                        + " create it with 1 partition");
            }
            createTopic(admin, topic, 1, config.replicationFactor(), options.publishTimeout());
            log.info("Created Kafka dead-letter topic {}", topic);
        }
        deadLetterTopics.add(topic);
    }

    private void awaitSend(Future<?> sent, String what) {
        try {
            sent.get(options.publishTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new EventException(
                    "Kafka could not " + what + ": " + causeOf(e).getMessage(), causeOf(e));
        } catch (TimeoutException e) {
            throw new EventException("Kafka did not confirm within " + options.publishTimeout() + " (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventException("interrupted while waiting for Kafka to " + what, e);
        }
    }

    /** The group that remembers how far a subscription's dead letters were replayed. */
    private String cursorGroup(String subscriptionId) {
        return config.groupId(subscriptionId) + ".dlt-replayed";
    }

    /** The live dead letters of a subscription: from the replay cursor (or the start) to the end. */
    private long @Nullable [] deadLetterRange(String subscriptionId) {
        String topic = config.deadLetterTopic(subscriptionId);
        Duration timeout = options.publishTimeout();
        if (describe(admin, topic, timeout).isEmpty()) {
            return null;
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        long earliest = await(
                        admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp),
                        timeout,
                        "read the start of " + topic)
                .offset();
        long end = await(
                        admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp),
                        timeout,
                        "read the end of " + topic)
                .offset();
        Map<TopicPartition, OffsetAndMetadata> cursor = await(
                admin.listConsumerGroupOffsets(cursorGroup(subscriptionId)).partitionsToOffsetAndMetadata(),
                timeout,
                "read the replay cursor of " + topic);
        OffsetAndMetadata at = cursor.get(tp);
        long from = at == null ? earliest : Math.max(earliest, at.offset());
        return new long[] {from, end};
    }

    private List<ConsumerRecord<byte[], byte[]>> readDeadLetters(String subscriptionId, long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (from >= to) {
            return out;
        }
        TopicPartition tp = new TopicPartition(config.deadLetterTopic(subscriptionId), 0);
        Properties p = common(config, clientId + "-dlt-reader");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        long deadline =
                System.nanoTime() + options.publishTimeout().multipliedBy(2).toNanos();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(p)) {
            reader.assign(List.of(tp));
            reader.seek(tp, from);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                    if (r.offset() >= to) {
                        return out;
                    }
                    out.add(r);
                }
                if (reader.position(tp) >= to) {
                    return out;
                }
            }
        }
        throw new EventException("Kafka did not return the dead letters of " + subscriptionId + " (offsets " + from
                + " to " + to + ") within " + options.publishTimeout().multipliedBy(2));
    }

    @Override
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive (was " + limit + ")");
        }
        long[] range = deadLetterRange(subscriptionId);
        if (range == null) {
            return List.of();
        }
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                readDeadLetters(subscriptionId, range[0], Math.min(range[1], range[0] + limit))) {
            out.add(Records.readDeadLetter(r, subscriptionId));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>On Kafka: each dead letter (from the replay cursor to the end of the dead-letter topic) is appended to the
     * bus's topic, marked for this subscription only (other groups skip it), with its original key (so it keeps
     * its partition); then the cursor moves past them. Malformed records cannot be delivered: they are appended
     * to the dead-letter topic again, so they stay listed.
     */
    @Override
    public int replayDeadLetters(String subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        ensureOpen();
        long[] range = deadLetterRange(subscriptionId);
        if (range == null || range[0] >= range[1]) {
            return 0;
        }
        String dlt = config.deadLetterTopic(subscriptionId);
        List<Future<?>> sent = new ArrayList<>();
        int replayed = 0;
        for (ConsumerRecord<byte[], byte[]> r : readDeadLetters(subscriptionId, range[0], range[1])) {
            if (Records.isMalformed(r)) {
                sent.add(producer.send(new ProducerRecord<>(dlt, 0, r.key(), r.value(), r.headers())));
                continue;
            }
            Integer partition = r.key() == null ? Math.floorMod(roundRobin.getAndIncrement(), partitionCount) : null;
            sent.add(producer.send(new ProducerRecord<>(
                    config.topic(), partition, r.key(), r.value(), Records.eventHeaders(subscriptionId))));
            replayed++;
        }
        for (Future<?> f : sent) {
            awaitSend(f, "replay a dead letter of " + subscriptionId);
        }
        TopicPartition tp = new TopicPartition(dlt, 0);
        await(
                admin.alterConsumerGroupOffsets(
                                cursorGroup(subscriptionId), Map.of(tp, new OffsetAndMetadata(range[1])))
                        .all(),
                options.publishTimeout(),
                "move the replay cursor of " + dlt);
        log.info("Replayed {} dead letter(s) of subscription {} to {}", replayed, subscriptionId, config.topic());
        return replayed;
    }

    // ------------------------------------------------------------------------------------------ health

    @Override
    public List<HealthCheck> healthChecks() {
        HealthCheck kafka = HealthCheck.critical("events.kafka", () -> {
            Duration timeout = options.publishTimeout();
            DescribeClusterResult cluster = admin.describeCluster();
            try {
                int brokers = cluster.nodes()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .size();
                String id = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("cluster", id);
                details.put("brokers", brokers);
                details.put("topic", config.topic());
                details.put("bootstrapServers", config.bootstrapServers());
                return HealthResult.up(details);
            } catch (TimeoutException e) {
                return HealthResult.down("Kafka did not return its cluster metadata within " + timeout + " ("
                        + config.bootstrapServers() + ")");
            } catch (ExecutionException e) {
                return HealthResult.down("Kafka cluster metadata failed: "
                        + causeOf(e).getClass().getSimpleName() + ": "
                        + causeOf(e).getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HealthResult.down("interrupted while asking Kafka for its cluster metadata");
            }
        });
        HealthCheck loops = HealthCheck.critical("events.kafka.consumers", () -> {
            Map<String, Object> details = new HashMap<>();
            List<String> problems = new ArrayList<>();
            Duration stale = config.pollTimeout()
                    .plus(config.sessionTimeout())
                    .plus(options.publishTimeout())
                    .multipliedBy(2)
                    .plusSeconds(5);
            int i = 0;
            for (Member m : members) {
                details.put(
                        m.transport().subscriptionId() + "#" + (++i),
                        m.consumer().state());
                m.consumer()
                        .problem(stale)
                        .ifPresent(p -> problems.add(m.transport().subscriptionId() + ": " + p));
            }
            return problems.isEmpty() ? HealthResult.up(details) : HealthResult.down(String.join("; ", problems));
        });
        return List.of(kafka, loops);
    }

    // ------------------------------------------------------------------------------------------ close

    @Override
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (closed) {
            return true;
        }
        closed = true;
        log.info("Kafka event bus closing: {}", masked);
        List<EngineConsumer<?>> all = new ArrayList<>();
        for (Member m : members) {
            all.add(m.consumer());
        }
        boolean drained = engine.closeAll(all, timeout);
        engine.close();
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("Closing the Kafka producer failed", e);
        }
        admin.close(Duration.ofSeconds(2));
        for (Gauge g : gauges) {
            options.meterRegistry().remove(g);
        }
        log.info("Kafka event bus closed: {}{}", masked, drained ? "" : " (some deliveries did not finish in time)");
        return drained;
    }

    @Override
    public void close() {
        try {
            close(options.closeTimeout());
        } catch (RuntimeException e) {
            log.warn("Error while closing the Kafka event bus", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaEventBus{" + masked + (closed ? ", closed" : "") + '}';
    }

    /** The failure behind an {@link ExecutionException} (the exception itself when it has none). */
    private static Throwable causeOf(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause != null ? cause : e;
    }
}
