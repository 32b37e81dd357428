package dev.adxcore.platform.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A consumer process killed with SIGKILL while handling: its events reach a surviving consumer. */
@PlatformTest
class ConsumerCrashTest {

    @Test
    void eventsOfAConsumerKilledMidHandlingAreDeliveredToTheSurvivor(RedisServer redis) throws Exception {
        String uri =
                redis.uri() + "?streamKeyPrefix=" + redis.key("crash:") + "&minIdleBeforeReclaim=1s&blockTime=200ms";
        String group = "fulfilment";
        Process doomed = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConsumerProcessMain.class.getName(),
                        uri,
                        group)
                .redirectErrorStream(true)
                .start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process died
            }
        });
        pump.setDaemon(true);
        pump.start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(uri)),
                EventBusOptions.builder()
                        .meterRegistry(registry)
                        .serviceName("survivor")
                        .build())) {
            awaitLine(lines, "READY", doomed);

            List<String> published = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(
                        Event.builder("order.paid").aggregate("order", "o-" + i).build());
                published.add(events.get(i).id());
            }
            bus.publishAll(events).toCompletableFuture().get(5, TimeUnit.SECONDS);
            String handling = awaitLine(lines, "HANDLING ", doomed);
            doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no acknowledgement, no goodbye
            assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Set<String> received = ConcurrentHashMap.newKeySet();
            bus.subscribe(EventSubscription.builder(group, e -> received.add(e.id()))
                    .handlerTimeout(Duration.ofMillis(500))
                    .build());

            await().atMost(Duration.ofSeconds(20)).until(() -> received.containsAll(published));
            assertThat(received).contains(handling.substring("HANDLING ".length()));
            assertThat(registry.get("platform.events.reclaimed").counter().count())
                    .isPositive();
        } finally {
            doomed.destroyForcibly();
        }
    }

    private static String awaitLine(LinkedBlockingQueue<String> lines, String prefix, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                seen.append(line).append('\n');
            } else if (!p.isAlive()) {
                break;
            }
        }
        throw new AssertionError("consumer process did not print " + prefix + "; its output:\n" + seen);
    }
}
