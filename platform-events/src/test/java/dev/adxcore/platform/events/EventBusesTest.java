package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Opening buses by URI through ServiceLoader. */
class EventBusesTest {

    @Test
    void memorySchemeIsFoundThroughServiceLoaderAndDelivers() {
        List<Event> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open("memory:")) {
            bus.subscribe(EventSubscription.builder("discovery", received::add)
                    .types("probe.sent")
                    .build());
            Event event = Event.builder("probe.sent").build();

            bus.publish(event).toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(event));
        }
    }

    @Test
    void fromEnvironmentOpensAnInMemoryBusWhenTheVariableIsUnset() {
        Assumptions.assumeTrue(System.getenv(EventBuses.ENV_URL) == null, "PLATFORM_EVENTS_URL is set");
        List<Event> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.fromEnvironment()) {
            bus.subscribe(EventSubscription.builder("env", received::add).build());
            Event event = Event.builder("probe.sent").build();

            bus.publish(event).toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(event));
        }
    }

    @Test
    void memoryUriObjectWithPathOrParametersIsAccepted() {
        try (EventBus a = EventBuses.open(URI.create("memory:/"));
                EventBus b = EventBuses.open(URI.create("memory:?capacity=5&whenFull=fail"))) {
            assertThat(a.healthChecks()).isNotEmpty();
            assertThat(b.healthChecks()).isNotEmpty();
        }
    }

    @Test
    void redisSchemeWithoutTheRedisJarNamesTheJarToAdd() {
        assertThatThrownBy(() -> EventBuses.open("redis://user:secret@localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("No EventBusProvider supports 'redis://***@localhost:6379': add the dependency "
                        + "dev.adxcore:platform-events-redis to the class path")
                .message()
                .doesNotContain("secret");
    }

    @Test
    void kafkaUriWithoutTheKafkaJarNamesTheJarToAdd() {
        assertThatThrownBy(() -> EventBuses.open("kafka://broker:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("No EventBusProvider supports 'kafka://broker:9092': add the dependency "
                        + "dev.adxcore:platform-events-kafka to the class path");
    }

    @Test
    void unknownSchemeListsTheSupportedOnes() {
        assertThatThrownBy(() -> EventBuses.open("amqp://broker:5672"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supported schemes are memory: (platform-events), redis://, rediss:// "
                        + "(platform-events-redis) and kafka:// (platform-events-kafka)");
    }

    @Test
    void unknownMemoryParameterIsNamed() {
        assertThatThrownBy(() -> EventBuses.open("memory:?capacty=10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown parameter 'capacty' in the memory: URI (known: capacity, deadLetterCapacity, whenFull)");
    }

    @Test
    void badCapacityIsNamedWithItsValue() {
        assertThatThrownBy(() -> EventBuses.open("memory:?capacity=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be between 1 and 10000000 in the memory: URI (was 0)");
    }

    @Test
    void badWhenFullIsNamedWithItsValue() {
        assertThatThrownBy(() -> EventBuses.open("memory:?whenFull=drop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("whenFull must be 'block' or 'fail' in the memory: URI (was 'drop')");
    }
}
