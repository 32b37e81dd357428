package dev.adxcore.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.outbox.support.OutboxDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The relay: wake-up by notification and by polling, poison events, metrics, health, retention. */
@PlatformTest(replicas = 0)
class OutboxRelayTest {

    private static final UUID A = UUID.randomUUID();
    private static OutboxDatabase odb;
    private static DatabaseManager app;
    private static DatabaseManager relayDb;
    private static Outbox outbox;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        odb = OutboxDatabase.setUp(pg);
        app = odb.app();
        relayDb = odb.relay();
        outbox = Outbox.create(app);
    }

    @AfterAll
    static void tearDown() {
        app.close();
        relayDb.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        odb.superuser("DELETE FROM platform_outbox", "DELETE FROM platform_inbox");
    }

    private static Event record(String aggregate, String data) {
        Event e = Event.builder("thing.happened")
                .tenantId(A)
                .aggregate("thing", aggregate)
                .data(data)
                .build();
        app.inTransaction(A, h -> {
            outbox.record(e);
            return null;
        });
        return e;
    }

    private static OutboxRelayConfig.Builder config() {
        return OutboxRelayConfig.builder().meterRegistry(new SimpleMeterRegistry());
    }

    @Test
    void aCommitWakesTheRelayOfItsOwnJvmAtOnceWithoutSendingANotification() throws SQLException {
        List<String> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().listen(false)
                                .pollInterval(Duration.ofMinutes(5))
                                .build());
                Connection listener = odb.superuserConnection()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN platform_outbox");
            }
            bus.subscribe(
                    EventSubscription.builder("s", e -> received.add(e.id())).build());
            relay.start();
            await().pollDelay(Duration.ofMillis(300)).until(() -> true); // the relay's first look finds nothing
            Event e = record("t1", "{}");
            // neither LISTEN nor the 5-minute poll: only the local wake-up after the commit can deliver it
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(e.id()));
            PGNotification[] sent = listener.unwrap(PGConnection.class).getNotifications(200);
            assertThat(sent == null ? 0 : sent.length)
                    .as("notifications sent by a unit next to a local relay")
                    .isZero();
        }
    }

    @Test
    void aRecorderWithoutALocalRelayNotifiesAndWakesAListeningRelayLongBeforeItsPollInterval() throws SQLException {
        String url = odb.appConfig().build().primaryUrl();
        String elsewhere = url.contains("127.0.0.1")
                ? url.replace("127.0.0.1", "localhost")
                : url.replace("localhost", "127.0.0.1");
        assumeTrue(!elsewhere.equals(url), "the server's URL names 127.0.0.1 or localhost: " + url);
        List<String> received = new CopyOnWriteArrayList<>();
        // The same database under another name: to the relay's JVM registry, a process without a relay.
        try (DatabaseManager otherProcess = DatabaseManager.create(
                        odb.appConfig().name("other").primaryUrl(elsewhere).build());
                EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().pollInterval(Duration.ofMinutes(5)).build())) {
            Outbox remote = Outbox.create(otherProcess);
            bus.subscribe(
                    EventSubscription.builder("s", e -> received.add(e.id())).build());
            relay.start();
            await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            Event e = Event.builder("thing.happened")
                    .tenantId(A)
                    .aggregate("thing", "t2")
                    .data("{}")
                    .build();
            otherProcess.inTransaction(A, h -> {
                remote.record(e);
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(e.id()));
        }
    }

    @Test
    void withoutListenTheRelayPolls() {
        List<String> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().listen(false)
                                .pollInterval(Duration.ofMillis(100))
                                .build())) {
            bus.subscribe(
                    EventSubscription.builder("s", e -> received.add(e.id())).build());
            relay.start();
            await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            Event e = record("t1", "{}");
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(e.id()));
        }
    }

    @Test
    void aPoisonEventIsParkedWithItsCauseAndItsAggregateGoesOn() throws SQLException {
        Event before = record("p1", "{}");
        Event poison = record("p1", "{\"blob\":\"" + "x".repeat(5000) + "\"}");
        Event after = record("p1", "{}");
        List<String> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open(
                        "memory:", EventBusOptions.builder().maxEventBytes(2048).build());
                OutboxRelay relay = OutboxRelay.create(relayDb, bus, config().build())) {
            bus.subscribe(
                    EventSubscription.builder("s", e -> received.add(e.id())).build());
            assertThat(relay.relayOnce()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received).containsExactly(before.id(), after.id());
            List<ParkedEvent> parked = relay.parked(10);
            assertThat(parked).hasSize(1);
            assertThat(parked.get(0).eventId()).isEqualTo(poison.id());
            assertThat(parked.get(0).cause()).contains("InvalidEventException");
            assertThat(relay.stats().parked()).isEqualTo(1);
            assertThat(relay.stats().pending()).isZero();
            assertThat(relay.requeue(parked.get(0).outboxId())).isTrue();
            assertThat(relay.stats().pending()).isEqualTo(1);
        }
    }

    @Test
    void healthIsDegradedWhileTheOldestPendingEventIsOlderThanTheThresholdAndUpOnceDrained() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().meterRegistry(registry)
                                .maxPendingAge(Duration.ofMillis(200))
                                .statsInterval(Duration.ofMillis(50))
                                .build())) {
            record("h1", "{}");
            record("h2", "{}");
            Thread.sleep(400);
            HealthResult stale = relay.healthChecks().get(0).check();
            assertThat(stale.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(stale.details()).containsEntry("pending", 2L);
            assertThat(relay.healthChecks().get(0).isCritical()).isFalse();
            relay.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> relay.healthChecks().get(0).check().status() == HealthStatus.UP);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.get("platform.outbox.pending").gauge().value() == 0.0);
            assertThat(registry.get("platform.outbox.relay.published").counter().count())
                    .isEqualTo(2.0);
            assertThat(registry.get("platform.outbox.relay.lag").timer().count())
                    .isEqualTo(2);
            assertThat(registry.get("platform.outbox.oldest.age").gauge().value())
                    .isZero();
        }
    }

    @Test
    void publishedRowsAndInboxEntriesPastTheirRetentionAreDeletedInBatches() throws SQLException {
        for (int i = 0; i < 25; i++) {
            record("r" + i, "{}");
        }
        Event kept;
        odb.superuser(
                "INSERT INTO platform_inbox (subscription_id, event_id, tenant_id, processed_at) SELECT 's', 'old-' || g, '"
                        + A + "', now() - interval '2 days' FROM generate_series(1, 25) g",
                "INSERT INTO platform_inbox (subscription_id, event_id, tenant_id) VALUES ('s', 'fresh', '" + A + "')");
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().publishedRetention(Duration.ofMillis(1))
                                .inboxRetention(Duration.ofDays(1))
                                .purgeBatchSize(10)
                                .build())) {
            while (relay.relayOnce() > 0) {
                // drain
            }
            kept = record("k", "{}"); // pending: never purged
            assertThat(relay.purge()).isEqualTo(50);
        }
        assertThat(odb.strings("SELECT event_id FROM platform_outbox")).containsExactly(kept.id());
        assertThat(odb.strings("SELECT event_id FROM platform_inbox")).containsExactly("fresh");
    }

    @Test
    void oneHotAggregateStillFillsABatchAndEveryAggregateKeepsItsOrder() {
        for (int i = 0; i < 30; i++) {
            record("hot", "{\"n\":" + i + "}");
        }
        for (int i = 0; i < 3; i++) {
            record("cold" + i, "{\"n\":0}");
        }
        List<Event> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        config().batchSize(10)
                                .partitionsPerBatch(64)
                                .publishedRetention(Duration.ZERO)
                                .build())) {
            bus.subscribe(EventSubscription.builder("hot-test", received::add).build());
            // 10 = the whole batch although the hot aggregate's partition gets only a share in the first round
            assertThat(relay.relayOnce()).isEqualTo(10);
            int total = 10;
            while (total < 33) {
                int n = relay.relayOnce();
                assertThat(n).isPositive();
                total += n;
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 33);
        }
        List<String> hot = received.stream()
                .filter(e -> e.aggregateId().orElseThrow().equals("hot"))
                .map(Event::data)
                .toList();
        assertThat(hot).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(hot.get(i)).isEqualTo("{\"n\":" + i + "}");
        }
    }

    @Test
    void withZeroRetentionPublishedRowsAreDeletedAtOnce() throws SQLException {
        record("z", "{}");
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb, bus, config().publishedRetention(Duration.ZERO).build())) {
            assertThat(relay.relayOnce()).isEqualTo(1);
        }
        assertThat(odb.count("SELECT count(*) FROM platform_outbox")).isZero();
    }

    @Test
    void aClosedRelayIsDownAndPublishesNothing() throws Exception {
        try (EventBus bus = EventBuses.open("memory:")) {
            OutboxRelay relay =
                    OutboxRelay.create(relayDb, bus, config().build()).start();
            relay.close();
            record("c", "{}");
            Thread.sleep(200);
            assertThat(relay.healthChecks().get(0).check().status()).isEqualTo(HealthStatus.DOWN);
            assertThat(odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL"))
                    .isEqualTo(1);
        }
    }
}
