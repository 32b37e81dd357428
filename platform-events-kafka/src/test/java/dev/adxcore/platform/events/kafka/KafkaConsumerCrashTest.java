package dev.adxcore.platform.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
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

/**
 * A consumer JVM killed with SIGKILL while handling: nothing was committed past the record it was handling, so
 * once the group notices (session timeout) the survivor gets its partitions and every event.
 */
@PlatformTest
class KafkaConsumerCrashTest {

    @Test
    void eventsOfAConsumerKilledMidHandlingReachTheSurvivor(KafkaServer kafka) throws Exception {
        String uri = kafka.uri() + "?topic=" + kafka.topic("crash") + "&partitions=3&sessionTimeout=6s";
        String group = "fulfilment";
        Process doomed = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KafkaConsumerProcessMain.class.getName(),
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
        try (EventBus bus = KafkaEventBuses.open(
                KafkaEventBusConfig.fromUri(URI.create(uri)),
                EventBusOptions.builder().serviceName("survivor").build())) {
            awaitLine(lines, "READY", doomed);

            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(
                        Event.builder("order.paid").aggregate("order", "o-" + i).build());
            }
            bus.publishAll(events).toCompletableFuture().get(10, TimeUnit.SECONDS);
            String handling = awaitLine(lines, "HANDLING ", doomed).substring("HANDLING ".length());
            doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leaving the group
            assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Set<String> received = ConcurrentHashMap.newKeySet();
            bus.subscribe(
                    EventSubscription.builder(group, e -> received.add(e.id())).build());

            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= events.size());
            assertThat(received)
                    .containsAll(events.stream().map(Event::id).toList())
                    .contains(handling);
        } finally {
            doomed.destroyForcibly();
        }
    }

    private static String awaitLine(LinkedBlockingQueue<String> lines, String prefix, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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
