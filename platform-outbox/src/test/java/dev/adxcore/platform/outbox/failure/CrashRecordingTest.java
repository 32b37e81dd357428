package dev.adxcore.platform.outbox.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.InboxHandler;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The service JVM (recorder, relay and inbox consumer in one process) is killed with SIGKILL right after commits,
 * again and again: every committed event is delivered, its effect happens once, a rolled-back unit's event never.
 */
@PlatformTest(replicas = 0)
class CrashRecordingTest {

    /** The consumer's effect: one row per handled event, no unique key (a second effect would show). */
    static final InboxHandler EFFECT = (event, h) -> h.update(
            "INSERT INTO effects (tenant_id, event_id, subscription_id) VALUES (?, ?, 'effects')",
            event.tenantId().orElseThrow(),
            event.id());

    @Test
    void everyCommittedEventTakesEffectOnceAcrossRepeatedKillsAndNoRolledBackEventEver(
            PostgresCluster pg, RedisServer redis) throws Exception {
        OutboxDatabase odb = OutboxDatabase.setUp(pg);
        UUID tenant = UUID.randomUUID();
        String busUri =
                redis.uri() + "?streamKeyPrefix=" + redis.key("crash:") + "&minIdleBeforeReclaim=1s&blockTime=200ms";
        Set<String> committed = new HashSet<>();
        Set<String> rolledBack = new HashSet<>();
        int rounds = 10;
        long started = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            Processes service = Processes.start(
                    ServiceProcessMain.class, odb.url, odb.appRole, odb.relayRole, busUri, tenant.toString());
            List<String> lines = new ArrayList<>();
            try {
                service.await("READY", lines, 60);
                int killAfter = ThreadLocalRandom.current().nextInt(20, 45);
                for (int i = 0; i < killAfter; i++) {
                    lines.add(service.await("COMMITTED ", lines, 30));
                }
            } finally {
                service.kill(); // right after a commit
            }
            lines.addAll(service.drain());
            for (String line : lines) {
                if (line.startsWith("COMMITTED ")) {
                    committed.add(line.substring("COMMITTED ".length()));
                } else if (line.startsWith("ROLLEDBACK ")) {
                    rolledBack.add(line.substring("ROLLEDBACK ".length()));
                }
            }
        }
        // A survivor (this JVM) relays what is left and consumes in the same group, reclaiming the dead consumers'
        // entries.
        try (DatabaseManager app = odb.app();
                DatabaseManager relayDb = odb.relay();
                EventBus bus = RedisEventBuses.open(
                        RedisEventBusConfig.fromUri(URI.create(busUri)),
                        EventBusOptions.builder()
                                .meterRegistry(new SimpleMeterRegistry())
                                .serviceName("survivor")
                                .build());
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .name("survivor")
                                .pollInterval(Duration.ofMillis(200))
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            bus.subscribe(Inbox.create(app)
                    .subscription("effects", EFFECT)
                    .handlerTimeout(Duration.ofSeconds(5))
                    .build());
            relay.start();
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL") == 0
                            && odb.count("SELECT count(DISTINCT event_id) FROM effects")
                                    == odb.count("SELECT count(*) FROM platform_outbox"));
            Thread.sleep(1500); // let any straggling redelivery arrive: it must not add an effect
        }
        Set<String> inOutbox = new HashSet<>(odb.strings("SELECT event_id FROM platform_outbox"));
        List<String> effects = odb.strings("SELECT event_id FROM effects");
        assertThat(committed).as("commits printed over %d kills", rounds).hasSizeGreaterThan(200);
        assertThat(inOutbox).as("every committed event is in the outbox").containsAll(committed);
        assertThat(inOutbox).as("no rolled-back unit's event").doesNotContainAnyElementsOf(rolledBack);
        assertThat(new HashSet<>(odb.strings("SELECT body FROM notes")))
                .as("outbox rows are exactly the committed writes")
                .isEqualTo(inOutbox);
        assertThat(effects).as("one effect per event").doesNotHaveDuplicates();
        assertThat(new HashSet<>(effects))
                .as("every committed event took effect, no other")
                .isEqualTo(inOutbox);
        assertThat(rolledBack).isNotEmpty();
        System.out.printf(
                "CrashRecordingTest: %d kills, %d commits printed, %d in the outbox, %d rolled back, %.1f s%n",
                rounds, committed.size(), inOutbox.size(), rolledBack.size(), (System.nanoTime() - started) / 1e9);
    }
}
