package dev.adxcore.platform.events.kafka;

import static dev.adxcore.platform.events.kafka.HangProbes.event;
import static dev.adxcore.platform.events.kafka.HangProbes.publishNow;
import static dev.adxcore.platform.events.kafka.HangProbes.report;
import static dev.adxcore.platform.events.kafka.HangProbes.since;
import static dev.adxcore.platform.events.kafka.HangProbes.untilPublishSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventPublishException;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.FaultProxy;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A network that goes silent or slow between the bus and the broker (the kit's {@link KafkaServer#proxy()}: the
 * broker advertises the proxy, so every connection of the bus goes through it), with the default timeouts: a
 * publish fails with {@link EventPublishException} within {@code publishTimeout} while nothing answers, publishing
 * resumes once the network is back, and a slow network only slows it down. Bounds carry a generous margin; the
 * measured times are printed as {@code [measured]}.
 */
@PlatformTest(isolatedServers = true)
class KafkaSilentNetworkTest {

    /** Slack on top of each documented bound for a loaded 2-core machine: the assertions catch hangs, not slowness. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private static final EventBusOptions DEFAULTS = EventBusOptions.builder().build();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final KafkaServer kafka;
    private final FaultProxy proxy;

    KafkaSilentNetworkTest(KafkaServer kafka) {
        this.kafka = kafka;
        this.proxy = kafka.proxy();
    }

    @AfterEach
    void restoreTheNetwork() {
        proxy.restore();
    }

    @Test
    void publishFailsWithinPublishTimeoutWhileTheNetworkIsSilentAndResumesAfterIt() {
        try (EventBus bus = open()) {
            publishNow(bus);
            proxy.blackhole();
            Duration failed;
            try {
                long started = System.nanoTime();
                CompletableFuture<Void> stage = bus.publish(event()).toCompletableFuture();
                assertThatThrownBy(() ->
                                stage.get(DEFAULTS.publishTimeout().plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(EventPublishException.class);
                failed = since(started);
            } finally {
                proxy.restore();
            }
            report("publish through a blackholed network failed after", failed);
            assertThat(failed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
            long restored = System.nanoTime();
            untilPublishSucceeds(bus);
            Duration resumed = since(restored);
            report("first publish succeeded after the network was restored", resumed);
            assertThat(resumed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
        }
    }

    @Test
    void publishAndDeliveryWorkThroughASlowNetwork() throws Exception {
        try (EventBus bus = open()) {
            CountDownLatch delivered = new CountDownLatch(3);
            bus.subscribe(EventSubscription.builder("slow", e -> delivered.countDown())
                    .build());
            proxy.latency(Duration.ofMillis(50));
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                bus.publish(event())
                        .toCompletableFuture()
                        .get(DEFAULTS.publishTimeout().plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            }
            report("3 publishes with 50 ms latency each way took", since(started));
            assertThat(delivered.await(60, TimeUnit.SECONDS))
                    .as("every event delivered through the slow network")
                    .isTrue();
            report("3 publishes and their delivery with 50 ms latency each way took", since(started));
        }
    }

    private EventBus open() {
        return KafkaEventBuses.open(
                KafkaEventBusConfig.fromUri(
                        URI.create(kafka.uri(proxy) + "?topic=" + kafka.topic("silent" + TOPICS.incrementAndGet()))),
                DEFAULTS);
    }
}
