package dev.adxcore.platform.events.kafka;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the hang and silent-network tests publish, and how they wait for publishing to work and report figures. */
final class HangProbes {

    private HangProbes() {}

    static Event event() {
        return Event.builder("meter.read").aggregate("meter", "m-1").data("1").build();
    }

    static void publishNow(EventBus bus) {
        try {
            bus.publish(event()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("publish failed", e);
        }
    }

    static void untilPublishSucceeds(EventBus bus) {
        long started = System.nanoTime();
        while (true) {
            try {
                bus.publish(event()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception failed) {
                if (since(started).compareTo(Duration.ofSeconds(60)) > 0) {
                    throw new AssertionError("publishing did not resume within 60 s", failed);
                }
            }
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    static void report(String what, Duration d) {
        System.out.printf("[measured] %s %d ms%n", what, d.toMillis());
    }
}
