package dev.adxcore.platform.events.redis.internal;

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
import dev.adxcore.platform.events.internal.EventTracing;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.spi.DeliveryEngine;
import dev.adxcore.platform.events.spi.PublishMeters;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis Streams {@link EventBus}: every event goes to one stream ({@code <prefix>stream}) with
 * {@code XADD MAXLEN ~}; each subscription id is a consumer group on it; each subscribe call is a consumer:
 * a {@link StreamConsumer} (reading, claiming, acknowledging) run by the shared delivery engine. Thread-safe.
 * An expensive resource: a Redis client, two shared connections, one maintenance thread and the engine's
 * threads, plus a connection and a fetch thread per subscribe call; one per service, closed at shutdown.
 */
public final class RedisStreamsEventBus implements EventBus {

    static final Logger log = LoggerFactory.getLogger(RedisStreamsEventBus.class);
    static final RedisCodec<String, byte[]> CODEC = StreamCodec.INSTANCE;
    static final String FIELD_EVENT = "event";
    static final String FIELD_REPLAY_FOR = "replayFor";
    private static final byte[] MAXLEN = "MAXLEN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APPROXIMATELY = "~".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW_ID = "*".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger BUS_SEQUENCE = new AtomicInteger();
    /** The longest wait between two reconnect attempts of a connection whose server went away. */
    static final Duration RECONNECT_DELAY_CAP = Duration.ofMillis(100);

    final RedisEventBusConfig config;
    final EventBusOptions options;
    final String streamKey;
    final BusMetrics metrics;
    final DeliveryEngine engine;
    private final PublishMeters publishMeters;
    private final String maskedUri;
    private final RedisClient client;
    private final RedisURI redisUri;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final StatefulRedisConnection<String, byte[]> batchConnection;
    private final ReentrantLock batchLock = new ReentrantLock();
    private final XAddArgs xaddArgs;
    private final byte[] maxStreamLength;
    private final String consumerBaseName;
    private final ScheduledExecutorService scheduler;
    private final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> consumersPerGroup = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private RedisStreamsEventBus(
            RedisEventBusConfig config,
            EventBusOptions options,
            RedisClient client,
            StatefulRedisConnection<String, byte[]> connection,
            StatefulRedisConnection<String, byte[]> batchConnection,
            RedisURI redisUri) {
        this.config = config;
        this.redisUri = redisUri;
        this.options = options;
        this.client = client;
        this.connection = connection;
        this.batchConnection = batchConnection;
        this.streamKey = config.streamKey();
        this.maskedUri = UriParameters.mask(config.redisUri());
        this.metrics = new BusMetrics(options.meterRegistry());
        this.engine = DeliveryEngine.create("redis", options);
        this.publishMeters = engine.publishMeters();
        this.xaddArgs = new XAddArgs().maxlen(config.maxStreamLength()).approximateTrimming();
        this.maxStreamLength = Long.toString(config.maxStreamLength()).getBytes(StandardCharsets.US_ASCII);
        int seq = BUS_SEQUENCE.incrementAndGet();
        this.consumerBaseName = config.consumerName().orElseGet(() -> defaultConsumerName(options, seq));
        this.scheduler = Executors.newScheduledThreadPool(1, Threads.daemon("redis-events-maintenance"));
    }

    /**
     * Connects and returns a started bus.
     *
     * @param config the Redis settings
     * @param options transport-independent settings
     * @return the bus
     * @throws EventException when Redis cannot be reached
     */
    public static RedisStreamsEventBus start(RedisEventBusConfig config, EventBusOptions options) {
        // Reconnect attempts at most RECONNECT_DELAY_CAP apart (10 ms doubling), so that publishing and consuming
        // resume within about that long after Redis is back, however long it was away.
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), RECONNECT_DELAY_CAP, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = redisUri(config, options);
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(clientOptions(config, options));
        String masked = UriParameters.mask(config.redisUri());
        try {
            StatefulRedisConnection<String, byte[]> connection = client.connect(CODEC);
            StatefulRedisConnection<String, byte[]> batch = client.connect(CODEC);
            batch.setAutoFlushCommands(false);
            RedisStreamsEventBus bus = new RedisStreamsEventBus(config, options, client, connection, batch, uri);
            log.info(
                    "Redis event bus started: {} (stream {}, consumer {})",
                    masked,
                    bus.streamKey,
                    bus.consumerBaseName);
            return bus;
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new EventException(
                    "Cannot connect to Redis at " + masked + " for the event bus: " + e.getMessage(), e);
        }
    }

    /**
     * The Lettuce URI. Its {@code timeout} bounds the connection handshake (HELLO / AUTH / SELECT after the TCP
     * connect), Lettuce's default is 60 s: against a hung server (the kernel still completes the TCP handshake)
     * every connect and reconnect would wait that long. Unless the URI sets {@code timeout} itself, it is the
     * publish timeout.
     */
    static RedisURI redisUri(RedisEventBusConfig config, EventBusOptions options) {
        RedisURI uri = RedisURI.create(config.redisUri().toString());
        String query = config.redisUri().getRawQuery();
        boolean explicit =
                query != null && java.util.Arrays.stream(query.split("&")).anyMatch(p -> p.startsWith("timeout="));
        if (!explicit) {
            uri.setTimeout(options.publishTimeout());
        }
        return uri;
    }

    private static ClientOptions clientOptions(RedisEventBusConfig config, EventBusOptions options) {
        long commandMillis = options.publishTimeout().toMillis();
        long readMillis = config.blockTime().toMillis() + commandMillis;
        TimeoutOptions timeouts = TimeoutOptions.builder()
                .timeoutCommands(true)
                .timeoutSource(new TimeoutOptions.TimeoutSource() {
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        return command.getType() == CommandType.XREADGROUP ? readMillis : commandMillis;
                    }
                })
                .build();
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(options.publishTimeout())
                        .keepAlive(true)
                        .build())
                .build();
    }

    private static String defaultConsumerName(EventBusOptions options, int seq) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        String name = options.serviceName().orElse("consumer") + "-" + host + "-"
                + ProcessHandle.current().pid() + (seq == 1 ? "" : "-" + seq);
        return name.replaceAll("[^A-Za-z0-9:._-]", "_");
    }

    // ------------------------------------------------------------------------------------------ publish

    @Override
    public CompletionStage<Void> publish(Event event) {
        Objects.requireNonNull(event, "event");
        ensureOpen();
        return EventTracing.publish("redis", event, e -> {
            byte[] json = encode(e);
            RedisFuture<Void> future = xadd(connection.async(), json);
            return confirm(future.toCompletableFuture(), e.id(), List.of(e));
        });
    }

    @Override
    public CompletionStage<Void> publishAll(List<Event> events) {
        Objects.requireNonNull(events, "events");
        ensureOpen();
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        for (Event e : events) {
            Objects.requireNonNull(e, "event");
        }
        // One producer span per event, as publish makes: each event carries its own span as its traceparent, and
        // every span ends when the whole batch is confirmed (or fails).
        CompletableFuture<Void> batchDone = new CompletableFuture<>();
        List<Event> stamped = new ArrayList<>(events.size());
        for (Event e : events) {
            EventTracing.publish("redis", e, s -> {
                stamped.add(s);
                return batchDone;
            });
        }
        CompletionStage<Void> confirmed;
        try {
            confirmed = sendBatch(stamped);
        } catch (RuntimeException | Error e) {
            batchDone.completeExceptionally(e);
            throw e;
        }
        confirmed.whenComplete((ok, error) -> {
            if (error == null) {
                batchDone.complete(null);
            } else {
                batchDone.completeExceptionally(error);
            }
        });
        return confirmed;
    }

    private CompletionStage<Void> sendBatch(List<Event> events) {
        int n = events.size();
        byte[][] encoded = new byte[n][];
        for (int i = 0; i < n; i++) {
            encoded[i] = encode(events.get(i));
        }
        CompletableFuture<?>[] futures = new CompletableFuture<?>[n];
        RedisAsyncCommands<String, byte[]> async = batchConnection.async();
        batchLock.lock();
        try {
            for (int i = 0; i < n; i++) {
                futures[i] = xadd(async, encoded[i]).toCompletableFuture();
            }
            batchConnection.flushCommands();
        } finally {
            batchLock.unlock();
        }
        CompletableFuture<?> all = n == 1 ? futures[0] : CompletableFuture.allOf(futures);
        return confirm(all, n == 1 ? events.get(0).id() : n + " events", events);
    }

    private <T> CompletionStage<Void> confirm(CompletableFuture<T> future, String what, List<Event> events) {
        Duration timeout = options.publishTimeout();
        return future.orTimeout(timeout.toMillis() + 100, TimeUnit.MILLISECONDS).handle((ok, error) -> {
            if (error == null) {
                countPublished(events);
                return null;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            boolean timedOut =
                    cause instanceof TimeoutException || cause instanceof io.lettuce.core.RedisCommandTimeoutException;
            publishMeters.failed(timedOut ? "timeout" : "unavailable", events.size());
            String reason = timedOut
                    ? "Redis did not confirm within publishTimeout " + timeout
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            throw new EventPublishException(
                    "Event " + what + " was not published to Redis stream " + streamKey + " at " + maskedUri + ": "
                            + reason,
                    cause);
        });
    }

    /**
     * {@code XADD <stream> MAXLEN ~ <maxStreamLength> * event <json>}, what {@code xadd(streamKey, xaddArgs, ...)}
     * sends, with the fixed words encoded once per bus instead of once per event; the reply, the new entry's id, is
     * not decoded (nobody reads it), an error reply still fails the future.
     */
    private RedisFuture<Void> xadd(RedisAsyncCommands<String, byte[]> commands, byte[] json) {
        CommandArgs<String, byte[]> args = new CommandArgs<>(CODEC)
                .addKey(streamKey)
                .add(MAXLEN)
                .add(APPROXIMATELY)
                .add(maxStreamLength)
                .add(NEW_ID)
                .addKey(FIELD_EVENT)
                .addValue(json);
        return commands.dispatch(CommandType.XADD, new IgnoredReply(), args);
    }

    /** The output of a command whose reply is not used: errors are kept (and fail the command), values dropped. */
    private static final class IgnoredReply extends CommandOutput<String, byte[], Void> {
        IgnoredReply() {
            super(CODEC, null);
        }

        @Override
        public void set(java.nio.ByteBuffer bytes) {}
    }

    /** One meter increment per run of events of the same type (a batch is often of one type). */
    private void countPublished(List<Event> events) {
        String type = events.get(0).type();
        int run = 0;
        for (Event e : events) {
            if (!e.type().equals(type)) {
                publishMeters.published(type, run);
                type = e.type();
                run = 0;
            }
            run++;
        }
        publishMeters.published(type, run);
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
            throw new EventPublishException("the Redis event bus is closed");
        }
    }

    // ------------------------------------------------------------------------------------------ subscribe

    @Override
    public Subscription subscribe(EventSubscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        ensureOpen();
        int n = consumersPerGroup
                .computeIfAbsent(subscription.id(), k -> new AtomicInteger())
                .incrementAndGet();
        String consumerName = n == 1 ? consumerBaseName : consumerBaseName + "-" + n;
        StreamConsumer consumer = new StreamConsumer(this, subscription, consumerName);
        consumers.add(consumer);
        try {
            return consumer.start();
        } catch (RuntimeException e) {
            consumers.remove(consumer);
            throw e;
        }
    }

    @Override
    public boolean unsubscribe(String subscriptionId) {
        List<dev.adxcore.platform.events.spi.EngineConsumer<?>> stopping = new ArrayList<>();
        for (StreamConsumer c : consumers) {
            if (c.id().equals(subscriptionId) && c.engineConsumer().isActive()) {
                stopping.add(c.engineConsumer());
            }
        }
        engine.closeAll(stopping, options.closeTimeout());
        return !stopping.isEmpty();
    }

    void removed(StreamConsumer consumer) {
        consumers.remove(consumer);
    }

    /** Starts connecting a reader connection; its handshake is bounded by the URI's timeout. */
    ConnectionFuture<StatefulRedisConnection<String, byte[]>> connectReader() {
        return client.connectAsync(CODEC, redisUri);
    }

    RedisAsyncCommands<String, byte[]> commands() {
        return connection.async();
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Waits for a Redis command for at most the publish timeout plus a margin. */
    <T> T await(RedisFuture<T> future) {
        try {
            return future.get(options.publishTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new EventException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new EventException("Redis command failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EventException("Redis did not answer within " + options.publishTimeout(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ dead letters

    @Override
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive (was " + limit + ")");
        }
        List<StreamMessage<String, byte[]>> entries = await(
                commands().xrange(config.deadLetterKey(subscriptionId), Range.create("-", "+"), Limit.from(limit)));
        List<DeadLetter> result = new ArrayList<>(entries.size());
        for (StreamMessage<String, byte[]> m : entries) {
            result.add(DeadLetters.read(m, subscriptionId));
        }
        return result;
    }

    @Override
    public int replayDeadLetters(String subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        ensureOpen();
        String key = config.deadLetterKey(subscriptionId);
        int replayed = 0;
        String from = "-";
        while (true) {
            List<StreamMessage<String, byte[]>> page =
                    await(commands().xrange(key, Range.create(from, "+"), Limit.from(100)));
            if (page.isEmpty()) {
                return replayed;
            }
            for (StreamMessage<String, byte[]> m : page) {
                Map<String, byte[]> body = m.getBody();
                byte[] json = body == null ? null : body.get(FIELD_EVENT);
                if (json == null || body.containsKey(DeadLetters.MALFORMED)) {
                    continue; // a malformed entry cannot be delivered; it stays listed
                }
                Map<String, byte[]> entry = new LinkedHashMap<>();
                entry.put(FIELD_EVENT, json);
                entry.put(FIELD_REPLAY_FOR, subscriptionId.getBytes(StandardCharsets.UTF_8));
                await(commands().xadd(streamKey, xaddArgs, entry));
                await(commands().xdel(key, m.getId()));
                replayed++;
            }
            String last = page.get(page.size() - 1).getId();
            from = "(" + last;
        }
    }

    /**
     * Writes a dead letter to the subscription's dead-letter stream and waits until Redis has it.
     *
     * @throws EventException when Redis did not store it
     */
    void writeDeadLetter(String group, Map<String, byte[]> fields) {
        await(commands()
                .xadd(
                        config.deadLetterKey(group),
                        new XAddArgs().maxlen(config.maxStreamLength()).approximateTrimming(),
                        fields));
    }

    // ------------------------------------------------------------------------------------------ health

    @Override
    public List<HealthCheck> healthChecks() {
        HealthCheck redis = HealthCheck.critical("events.redis", () -> {
            String pong = await(connection.async().ping());
            if (!"PONG".equalsIgnoreCase(pong)) {
                return HealthResult.down("unexpected PING reply from Redis: " + pong);
            }
            return HealthResult.up(Map.of("stream", streamKey));
        });
        HealthCheck loops = HealthCheck.critical("events.redis.consumers", () -> {
            Map<String, Object> details = new HashMap<>();
            List<String> problems = new ArrayList<>();
            Duration stale = config.blockTime()
                    .plus(options.publishTimeout())
                    .multipliedBy(2)
                    .plusSeconds(5);
            for (StreamConsumer c : consumers) {
                details.put(c.id() + "/" + c.consumerName(), c.engineConsumer().state());
                c.engineConsumer().problem(stale).ifPresent(problem -> problems.add(c.id() + ": " + problem));
            }
            if (!problems.isEmpty()) {
                return HealthResult.down(String.join("; ", problems));
            }
            return HealthResult.up(details);
        });
        return List.of(redis, loops);
    }

    // ------------------------------------------------------------------------------------------ close

    @Override
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (closed) {
            return true;
        }
        closed = true;
        log.info("Redis event bus closing: {}", maskedUri);
        List<dev.adxcore.platform.events.spi.EngineConsumer<?>> all = new ArrayList<>();
        for (StreamConsumer c : consumers) {
            all.add(c.engineConsumer());
        }
        boolean drained = engine.closeAll(all, timeout);
        engine.close();
        scheduler.shutdownNow();
        try {
            connection.close();
            batchConnection.close();
        } catch (RuntimeException e) {
            log.debug("Error closing Redis connections", e);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
        metrics.remove();
        log.info("Redis event bus closed: {}{}", maskedUri, drained ? "" : " (some deliveries did not finish in time)");
        return drained;
    }

    @Override
    public void close() {
        try {
            close(options.closeTimeout());
        } catch (RuntimeException e) {
            log.warn("Error while closing the Redis event bus", e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Redis-only meters of one bus (the engine has the delivery and publishing meters): the reclaimed counter
     * and the lag and pending gauges.
     */
    static final class BusMetrics {
        final MeterRegistry registry;
        private final List<io.micrometer.core.instrument.Meter> meters = new CopyOnWriteArrayList<>();
        private final Map<String, GroupStats> groups = new ConcurrentHashMap<>();

        BusMetrics(MeterRegistry registry) {
            this.registry = registry;
        }

        <M extends io.micrometer.core.instrument.Meter> M track(M meter) {
            meters.add(meter);
            return meter;
        }

        /** The lag and pending gauges of a consumer group, registered once per bus. */
        GroupStats groupStats(String group) {
            return groups.computeIfAbsent(group, g -> {
                GroupStats stats = new GroupStats(
                        new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong());
                String[] tags = {"transport", "redis", "subscription", g};
                track(io.micrometer.core.instrument.Gauge.builder(
                                "platform.events.lag", stats.lag(), java.util.concurrent.atomic.AtomicLong::get)
                        .description("Stream entries the consumer group has not read yet")
                        .tags(tags)
                        .register(registry));
                track(io.micrometer.core.instrument.Gauge.builder(
                                "platform.events.pending", stats.pending(), java.util.concurrent.atomic.AtomicLong::get)
                        .description("Entries read by the consumer group and not acknowledged yet")
                        .tags(tags)
                        .register(registry));
                return stats;
            });
        }

        void remove() {
            for (io.micrometer.core.instrument.Meter m : meters) {
                if (m instanceof io.micrometer.core.instrument.Gauge) {
                    registry.remove(m);
                }
            }
        }
    }

    /** The latest XINFO GROUPS figures of one consumer group. */
    record GroupStats(java.util.concurrent.atomic.AtomicLong lag, java.util.concurrent.atomic.AtomicLong pending) {}
}
