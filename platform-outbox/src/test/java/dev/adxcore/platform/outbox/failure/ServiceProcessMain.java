package dev.adxcore.platform.outbox.failure;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * A service in its own JVM: records events in units of work (every 7th unit rolls back after recording), relays
 * them to Redis and consumes them through the inbox, until it is killed. Prints {@code COMMITTED id} after each
 * commit returned and {@code ROLLEDBACK id} before a unit is rolled back.
 * Args: jdbcUrl appRole relayRole redisUri tenant.
 */
public final class ServiceProcessMain {

    private ServiceProcessMain() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        UUID tenant = UUID.fromString(args[4]);
        DatabaseManager app = DatabaseManager.create(config("app", url, args[1]));
        DatabaseManager relayDb = DatabaseManager.create(config("relay", url, args[2]));
        EventBus bus = RedisEventBuses.open(
                RedisEventBusConfig.fromUri(URI.create(args[3])),
                EventBusOptions.builder()
                        .meterRegistry(new SimpleMeterRegistry())
                        .serviceName("doomed")
                        .build());
        Outbox outbox = Outbox.create(app);
        Inbox inbox = Inbox.create(app);
        bus.subscribe(inbox.subscription("effects", CrashRecordingTest.EFFECT)
                .handlerTimeout(Duration.ofSeconds(5))
                .build());
        OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .name("doomed")
                                .pollInterval(Duration.ofMillis(200))
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())
                .start();
        System.out.println("READY");
        System.out.flush();
        for (long i = 0; ; i++) {
            Event e = Event.builder("account.credited")
                    .tenantId(tenant)
                    .aggregate("account", "acc-" + (i % 5))
                    .data("{\"i\":" + i + "}")
                    .build();
            boolean rollBack = i % 7 == 3;
            try {
                app.inTransaction(tenant, h -> {
                    h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", tenant, e.id());
                    outbox.record(e);
                    if (rollBack) {
                        System.out.println("ROLLEDBACK " + e.id());
                        System.out.flush();
                        throw new IllegalStateException("rolled back on purpose");
                    }
                    return null;
                });
                System.out.println("COMMITTED " + e.id());
                System.out.flush();
            } catch (IllegalStateException expected) {
                // the unit rolled back
            }
        }
    }

    private static DatabaseConfig config(String name, String url, String role) {
        return DatabaseConfig.builder()
                .name(name)
                .primaryUrl(url)
                .username(role)
                .minConnections(1)
                .maxConnections(4)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
    }
}
