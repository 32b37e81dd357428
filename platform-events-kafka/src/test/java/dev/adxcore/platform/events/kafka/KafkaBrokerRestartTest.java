package dev.adxcore.platform.events.kafka;

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
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A private broker stopped and started again under load: nothing Kafka acknowledged is lost, publishing fails
 * within its timeout while the broker is down (it never hangs), health follows the broker, consumers resume.
 * One broker for the class (isolated: the tests stop it), a topic per test; the test that leaves the broker
 * stopped runs last, so that the class restarts it only once (a restart costs seconds).
 */
@PlatformTest(isolatedServers = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerRestartTest {

    private final KafkaServer kafka;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EventBus bus;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    KafkaBrokerRestartTest(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void open() {
        bus = KafkaEventBuses.open(
                KafkaEventBusConfig.fromUri(URI.create(kafka.uri() + "?topic="
                        + kafka.topic("restart" + TOPICS.incrementAndGet()) + "&partitions=3&sessionTimeout=6s")),
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .publishTimeout(Duration.ofSeconds(2))
                        .closeTimeout(Duration.ofSeconds(5))
                        .build());
    }

    @AfterEach
    void close() {
        bus.close(Duration.ofSeconds(5));
    }

    @Test
    @Order(1)
    void everyAcknowledgedPublishIsDeliveredAcrossABrokerRestartAndHealthFollowsTheBroker() throws Exception {
        HealthCheck health = bus.healthChecks().get(0);
        assertThat(health.check().status()).isEqualTo(HealthStatus.UP);
        int total = 10_000;
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        bus.subscribe(EventSubscription.builder(
                        "projection",
                        e -> deliveries
                                .computeIfAbsent(e.id(), k -> new AtomicInteger())
                                .incrementAndGet())
                .concurrency(4)
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
                // A producer retries what Kafka did not acknowledge, as a service with an outbox would.
                while (true) {
                    try {
                        bus.publishAll(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
                        batch.forEach(e -> acknowledged.add(e.id()));
                        break;
                    } catch (Exception e) {
                        failedAttempts.incrementAndGet();
                        sleep(100);
                    }
                }
            }
        });
        publisher.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= 3000);
        kafka.stop();
        assertThat(health.check().status())
                .as("health while the broker is stopped")
                .isEqualTo(HealthStatus.DOWN);
        sleep(1000);
        kafka.start();
        publisher.join(TimeUnit.SECONDS.toMillis(240));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> health.check().status() == HealthStatus.UP);

        assertThat(acknowledged).hasSize(total);
        await().atMost(Duration.ofSeconds(120)).until(() -> deliveries.keySet().containsAll(acknowledged));
        int duplicates = deliveries.values().stream().mapToInt(n -> n.get() - 1).sum();
        System.out.printf(
                "kafka restart run: %d events acknowledged, %d failed publish attempts while the broker was"
                        + " down, %d duplicate deliveries%n",
                acknowledged.size(), failedAttempts.get(), duplicates);
        assertThat(failedAttempts.get())
                .as("publishes failed while the broker was down")
                .isPositive();
        assertThat(bus.healthChecks().get(1).check().status())
                .as("consumer loops")
                .isEqualTo(HealthStatus.UP);
    }

    @Test
    @Order(2)
    void publishFailsWithinItsTimeoutWhileTheBrokerIsDown() {
        kafka.stop();
        long start = System.nanoTime();

        var stage = bus.publish(Event.builder("cart.checked-out")
                        .aggregate("cart", "c1")
                        .build())
                .toCompletableFuture();

        assertThatThrownBy(() -> stage.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(EventPublishException.class)
                .hasMessageContaining("was not published to Kafka topic")
                .hasMessageContaining("did not confirm within publishTimeout PT2S");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMillis)
                .as("publish failed within publishTimeout (2 s) plus slack")
                .isLessThan(5000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
