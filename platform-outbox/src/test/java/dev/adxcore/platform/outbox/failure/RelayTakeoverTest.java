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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Two relays at once; one (another JVM) is killed with SIGKILL mid-batch; the other takes over in order. */
@PlatformTest(replicas = 0)
class RelayTakeoverTest {

    @Test
    void theSurvivingRelayTakesOverAndEveryAggregateStaysInOrder(PostgresCluster pg, RedisServer redis)
            throws Exception {
        OutboxDatabase odb = OutboxDatabase.setUp(pg);
        UUID tenant = UUID.randomUUID();
        int aggregates = 12;
        int perAggregate = 50;
        String busUri =
                redis.uri() + "?streamKeyPrefix=" + redis.key("takeover:") + "&minIdleBeforeReclaim=1s&blockTime=200ms";
        Map<String, List<Integer>> delivered = new ConcurrentHashMap<>();
        try (DatabaseManager app = odb.app();
                DatabaseManager relayDb = odb.relay();
                EventBus bus = RedisEventBuses.open(
                        RedisEventBusConfig.fromUri(URI.create(busUri)),
                        EventBusOptions.builder()
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            bus.subscribe(EventSubscription.builder(
                            "audit",
                            e -> delivered
                                    .computeIfAbsent(e.aggregateId().orElseThrow(), k -> new CopyOnWriteArrayList<>())
                                    .add(Integer.parseInt(e.data())))
                    .concurrency(4)
                    .build());
            Outbox outbox = Outbox.create(app);
            for (int seq = 1; seq <= perAggregate; seq++) {
                int s = seq;
                app.inTransaction(tenant, h -> {
                    for (int a = 0; a < aggregates; a++) {
                        outbox.record(Event.builder("ledger.posted")
                                .tenantId(tenant)
                                .aggregate("ledger", "l-" + a)
                                .data(String.valueOf(s))
                                .build());
                    }
                    return null;
                });
            }
            Processes doomed = Processes.start(RelayProcessMain.class, odb.url, odb.relayRole, busUri);
            try (OutboxRelay survivor = OutboxRelay.create(
                    relayDb,
                    bus,
                    OutboxRelayConfig.builder()
                            .name("survivor")
                            .batchSize(40)
                            .partitionsPerBatch(8)
                            .pollInterval(Duration.ofMillis(100))
                            .meterRegistry(new SimpleMeterRegistry())
                            .build())) {
                List<String> lines = new ArrayList<>();
                doomed.await("READY", lines, 60);
                doomed.await("BATCH 1 ", lines, 60);
                // Its 2nd batch is in Redis and not yet marked published (the bus confirms 400 ms late). The survivor
                // starts only now: started earlier, it could hold every partition with pending events whenever the
                // doomed relay looks, and the doomed relay would never have a 2nd batch to be killed in.
                doomed.await("BATCH 2 ", lines, 60);
                survivor.start(); // both relays run from here on, until the kill
                doomed.kill();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL") == 0);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> delivered.values().stream()
                                        .mapToLong(l -> l.stream().distinct().count())
                                        .sum()
                                == (long) aggregates * perAggregate);
            } finally {
                doomed.kill();
            }
        }
        int redelivered = 0;
        for (Map.Entry<String, List<Integer>> e : delivered.entrySet()) {
            List<Integer> firstSeen = e.getValue().stream().distinct().toList();
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= perAggregate; i++) {
                expected.add(i);
            }
            assertThat(firstSeen)
                    .as("first deliveries of %s (all deliveries: %s)", e.getKey(), e.getValue())
                    .isEqualTo(expected);
            int max = 0;
            for (int v : e.getValue()) {
                // A redelivery repeats an event already delivered; an event is never delivered before its predecessor.
                assertThat(v)
                        .as("delivery of %s after %d (all: %s)", e.getKey(), max, e.getValue())
                        .isLessThanOrEqualTo(max + 1);
                max = Math.max(max, v);
            }
            redelivered += e.getValue().size() - firstSeen.size();
        }
        assertThat(redelivered)
                .as("the killed relay's unmarked batch was published again by the survivor")
                .isPositive();
        assertThat(odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL"))
                .isZero();
    }
}
