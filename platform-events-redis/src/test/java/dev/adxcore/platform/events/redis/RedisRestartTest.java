package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) and started again on a private server whose writes are fsynced before Redis
 * answers: nothing Redis acknowledged is lost, publishing fails fast while it is down, consumers resume.
 */
class RedisRestartTest {

    private PrivateRedis redis;
    private EventBus bus;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startRedis() throws Exception {
        redis = PrivateRedis.start();
        bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(redis.uri() + "?blockTime=200ms")),
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .publishTimeout(Duration.ofSeconds(1))
                        .build());
    }

    @AfterEach
    void stopRedis() throws Exception {
        bus.close(Duration.ofSeconds(5));
        redis.close();
    }

    @Test
    void everyAcknowledgedPublishIsDeliveredAtLeastOnceAcrossARedisRestart() throws Exception {
        int total = 10_000;
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        bus.subscribe(EventSubscription.builder(
                        "projection",
                        e -> deliveries
                                .computeIfAbsent(e.id(), k -> new AtomicInteger())
                                .incrementAndGet())
                .build());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failedAttempts = new AtomicInteger();

        Thread publisher = new Thread(() -> {
            for (int i = 0; i < total; i += 50) {
                List<Event> batch = new ArrayList<>();
                for (int j = i; j < Math.min(total, i + 50); j++) {
                    batch.add(Event.builder("meter.read")
                            .aggregate("meter", "m-" + (j % 97))
                            .data(Integer.toString(j))
                            .build());
                }
                // A producer retries what Redis did not acknowledge, as a service with an outbox would.
                while (true) {
                    try {
                        bus.publishAll(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        batch.forEach(e -> acknowledged.add(e.id()));
                        break;
                    } catch (Exception e) {
                        failedAttempts.incrementAndGet();
                        sleep(20);
                    }
                }
            }
        });
        publisher.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 3000);
        redis.kill();
        sleep(1000);
        redis.startAgain();
        publisher.join(TimeUnit.SECONDS.toMillis(120));

        assertThat(acknowledged).hasSize(total);
        await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.keySet().containsAll(acknowledged));
        int duplicates = deliveries.values().stream().mapToInt(n -> n.get() - 1).sum();
        System.out.printf(
                "restart run: %d events acknowledged, %d failed publish attempts while Redis was down,"
                        + " %d duplicate deliveries%n",
                acknowledged.size(), failedAttempts.get(), duplicates);
        assertThat(failedAttempts.get())
                .as("publishes failed while Redis was down")
                .isPositive();
        assertThat(duplicates).as("duplicate deliveries").isLessThanOrEqualTo(1000);
    }

    @Test
    void publishFailsWithinItsTimeoutWhileRedisIsDown() throws Exception {
        redis.kill();

        var stage = bus.publish(Event.builder("cart.checked-out").build()).toCompletableFuture();

        assertThatThrownBy(() -> stage.get(3, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("was not published to Redis stream platform:events:stream at " + redis.uri());
    }

    @Test
    void healthCheckReportsRedisDownWhileItIsStoppedAndUpAfterwards() throws Exception {
        HealthCheck check = bus.healthChecks().get(0);
        redis.kill();

        assertThatThrownBy(check::check).isInstanceOf(RuntimeException.class);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> check.check().status() == HealthStatus.UP);
    }

    @Test
    void consumerResumesAfterRedisRestartsAndReportsItsLoopAlive() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        bus.subscribe(
                EventSubscription.builder("resumer", e -> received.add(e.id())).build());
        redis.kill();
        sleep(500);
        redis.startAgain();

        Event after = Event.builder("light.switched").build();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            bus.publish(after).toCompletableFuture().get(2, TimeUnit.SECONDS);
            return true;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(after.id()));
        assertThat(bus.healthChecks().get(1).check().status()).isEqualTo(HealthStatus.UP);
        assertThat(registry.get("platform.events.consumer.errors").counter().count())
                .isPositive();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
