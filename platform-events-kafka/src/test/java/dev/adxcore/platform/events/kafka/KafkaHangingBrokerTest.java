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
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthReport;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A broker that hangs instead of dying (SIGSTOP of the kit's private broker: a paused VM, a stuck disk), with
 * the default timeouts: a publish fails with {@link EventPublishException} within {@code publishTimeout}, health
 * answers DOWN within the registry's timeout, close returns, and publishing resumes after thaw. Bounds are
 * asserted with a generous margin (never a tight timing); the measured times are printed as {@code [measured]}.
 */
@PlatformTest(isolatedServers = true)
class KafkaHangingBrokerTest {

    /** Slack on top of each documented bound for a loaded 2-core machine: the assertions catch hangs, not slowness. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private static final EventBusOptions DEFAULTS = EventBusOptions.builder().build();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final KafkaServer kafka;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    KafkaHangingBrokerTest(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @Test
    void publishFailsWithinPublishTimeoutWhenTheBrokerFreezesAndResumesAfterThaw() throws Exception {
        try (EventBus bus = open()) {
            publishNow(bus);
            kafka.freeze();
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
                kafka.thaw();
            }
            report("publish on a frozen broker failed after", failed);
            assertThat(failed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
            long thawed = System.nanoTime();
            untilPublishSucceeds(bus);
            Duration resumed = since(thawed);
            report("first publish succeeded after thaw", resumed);
            assertThat(resumed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
        }
    }

    @Test
    void healthIsDownWithinTheRegistryTimeoutWhenTheBrokerFreezes() {
        try (EventBus bus = open();
                HealthRegistry health = HealthRegistry.builder()
                        .discoverServiceLoaderChecks(false)
                        .cacheTtl(Duration.ZERO)
                        .build()) {
            health.registerAll(bus.healthChecks());
            assertThat(health.readiness().status()).isEqualTo(HealthStatus.UP);
            kafka.freeze();
            try {
                long started = System.nanoTime();
                HealthReport report = health.readiness();
                Duration took = since(started);
                report("readiness with a frozen broker answered " + report.status() + " after", took);
                assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
                assertThat(took).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
            } finally {
                kafka.thaw();
            }
        }
    }

    @Test
    void closeReturnsWithinItsBoundWhenTheBrokerFreezes() {
        EventBus bus = open();
        bus.subscribe(EventSubscription.builder("closing", e -> {}).build());
        publishNow(bus);
        kafka.freeze();
        try {
            long started = System.nanoTime();
            bus.close();
            Duration took = since(started);
            report("close() with a frozen broker returned after", took);
            assertThat(took)
                    .isLessThan(
                            DEFAULTS.closeTimeout().plus(Duration.ofSeconds(7)).plus(MARGIN));
        } finally {
            kafka.thaw();
        }
    }

    @Test
    void publishesResumeAfterACrashedBrokerIsStartedAgain() {
        try (EventBus bus = open()) {
            publishNow(bus);
            kafka.crash();
            long crashed = System.nanoTime();
            long started = System.nanoTime();
            CompletableFuture<Void> stage = bus.publish(event()).toCompletableFuture();
            assertThatThrownBy(() ->
                            stage.get(DEFAULTS.publishTimeout().plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(EventPublishException.class);
            Duration failed = since(started);
            report("publish while the broker is crashed failed after", failed);
            assertThat(failed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
            kafka.start();
            report("broker outage (crash to start() returning)", since(crashed));
            long back = System.nanoTime();
            untilPublishSucceeds(bus);
            Duration resumed = since(back);
            report("first publish succeeded after start() returned", resumed);
            assertThat(resumed).isLessThan(DEFAULTS.publishTimeout().plus(MARGIN));
        }
    }

    private EventBus open() {
        return KafkaEventBuses.open(
                KafkaEventBusConfig.fromUri(
                        URI.create(kafka.uri() + "?topic=" + kafka.topic("hang" + TOPICS.incrementAndGet()))),
                EventBusOptions.builder().meterRegistry(registry).build());
    }
}
