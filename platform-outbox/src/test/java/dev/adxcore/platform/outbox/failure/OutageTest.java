package dev.adxcore.platform.outbox.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.outbox.support.OutboxDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bus down, then PostgreSQL restarted, while the relay runs: events wait, nothing is lost, they drain after. */
@PlatformTest(replicas = 0, isolatedServers = true)
class OutageTest {

    private static final UUID TENANT = UUID.randomUUID();

    private static List<String> record(DatabaseManager app, Outbox outbox, int n, String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = Event.builder("order.placed")
                    .tenantId(TENANT)
                    .aggregate("order", prefix + (i % 4))
                    .data("{}")
                    .build();
            app.inTransaction(TENANT, h -> {
                outbox.record(e);
                return null;
            });
            ids.add(e.id());
        }
        return ids;
    }

    @Test
    void eventsWaitWhileTheBusIsDownAndDrainWhenItIsBackAndAcrossAPostgresRestart(PostgresCluster pg, RedisServer redis)
            throws Exception {
        Assumptions.assumeTrue(
                pg.canControlServers() && redis.canControlServer(), "the kit cannot restart these servers");
        OutboxDatabase odb = OutboxDatabase.setUp(pg);
        String busUri = redis.uri() + "?streamKeyPrefix=" + redis.key("outage:") + "&blockTime=200ms";
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (DatabaseManager app = odb.app();
                DatabaseManager relayDb = odb.relay();
                EventBus bus = RedisEventBuses.open(
                        RedisEventBusConfig.fromUri(URI.create(busUri)),
                        EventBusOptions.builder()
                                .meterRegistry(new SimpleMeterRegistry())
                                .publishTimeout(Duration.ofSeconds(1))
                                .build());
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .pollInterval(Duration.ofMillis(200))
                                .publishTimeout(Duration.ofSeconds(2))
                                .maxBackoff(Duration.ofMillis(500))
                                .maxPendingAge(Duration.ofSeconds(1))
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            bus.subscribe(EventSubscription.builder("orders", e -> received.add(e.id()))
                    .build());
            Outbox outbox = Outbox.create(app);
            relay.start();
            List<String> before = record(app, outbox, 20, "a-");
            await().atMost(Duration.ofSeconds(20)).until(() -> received.containsAll(before));

            redis.stop();
            List<String> whileBusDown = record(app, outbox, 30, "b-");
            Thread.sleep(2500);
            assertThat(relay.stats().pending())
                    .as("events wait while the bus is down")
                    .isEqualTo(30);
            assertThat(relay.healthChecks().get(0).check().status()).isEqualTo(HealthStatus.DEGRADED);
            redis.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().pending() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.containsAll(whileBusDown));

            pg.stopPrimary();
            Thread.sleep(1500); // the relay fails, backs off, and keeps trying
            pg.startPrimary();
            List<String> afterRestart = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                afterRestart.addAll(record(app, outbox, 1, "c-"));
                return true;
            });
            afterRestart.addAll(record(app, outbox, 19, "c-"));
            await().atMost(Duration.ofSeconds(30)).until(() -> received.containsAll(afterRestart));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> relay.healthChecks().get(0).check().status() == HealthStatus.UP);
        }
    }
}
