package dev.adxcore.platform.events.redis;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import java.net.URI;
import java.time.Duration;

/**
 * A consumer in a JVM of its own, started by {@link ConsumerCrashTest} and killed with SIGKILL while it is
 * handling an event. Arguments: the bus URI and the subscription id. Prints {@code READY} once subscribed and
 * {@code HANDLING <event id>} when a handler call starts; handler calls never finish.
 */
public final class ConsumerProcessMain {

    private ConsumerProcessMain() {}

    /**
     * @param args bus URI, subscription id
     * @throws Exception never in practice: the process is killed
     */
    public static void main(String[] args) throws Exception {
        EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(args[0])),
                EventBusOptions.builder().serviceName("doomed").build());
        bus.subscribe(EventSubscription.builder(args[1], event -> {
                    System.out.println("HANDLING " + event.id());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                })
                .handlerTimeout(Duration.ofMinutes(10))
                .build());
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
