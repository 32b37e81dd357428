package dev.adxcore.platform.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Consumers joining and leaving a group while it is handling: partitions move between them (queued records are
 * given back, running ones finish and are committed first), and no event is lost.
 */
@PlatformTest
class KafkaRebalanceTest {

    @Test
    void aRebalanceWhileHandlingLosesNoEvent(KafkaServer kafka) throws Exception {
        String uri =
                kafka.uri() + "?topic=" + kafka.topic("rebalance") + "&partitions=6&sessionTimeout=6s&batchSize=50";
        Map<String, Set<String>> byConsumer = new ConcurrentHashMap<>();
        List<String> published = new CopyOnWriteArrayList<>();
        try (EventBus first = EventBuses.open(
                        uri, EventBusOptions.builder().serviceName("first").build());
                EventBus second = EventBuses.open(
                        uri, EventBusOptions.builder().serviceName("second").build())) {
            first.subscribe(handler("fulfilment", "first", byConsumer));
            Thread publisher = new Thread(() -> {
                for (int batch = 0; batch < 40; batch++) {
                    List<Event> events = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        events.add(Event.builder("order.paid")
                                .aggregate("order", "o-" + ((batch * 25 + i) % 60))
                                .build());
                    }
                    try {
                        first.publishAll(events).toCompletableFuture().get(20, TimeUnit.SECONDS);
                        events.forEach(e -> published.add(e.id()));
                        Thread.sleep(50);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            publisher.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> byConsumer.getOrDefault("first", Set.of()).size() >= 100);

            second.subscribe(handler("fulfilment", "second", byConsumer)); // a rebalance while the first is busy
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> byConsumer.getOrDefault("second", Set.of()).size() >= 50);
            first.unsubscribe("fulfilment"); // and another one: everything moves to the second
            publisher.join(TimeUnit.SECONDS.toMillis(120));

            await().atMost(Duration.ofSeconds(60)).until(() -> union(byConsumer).containsAll(published));
            assertThat(published).hasSize(1000);
            assertThat(byConsumer.get("first"))
                    .as("handled by the first consumer")
                    .isNotEmpty();
            assertThat(byConsumer.get("second"))
                    .as("handled by the second consumer")
                    .isNotEmpty();
        }
    }

    private static EventSubscription handler(String group, String name, Map<String, Set<String>> byConsumer) {
        return EventSubscription.builder(group, e -> {
                    Thread.sleep(2);
                    byConsumer
                            .computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet())
                            .add(e.id());
                })
                .concurrency(2)
                .build();
    }

    private static Set<String> union(Map<String, Set<String>> byConsumer) {
        Set<String> all = ConcurrentHashMap.newKeySet();
        byConsumer.values().forEach(all::addAll);
        return all;
    }
}
