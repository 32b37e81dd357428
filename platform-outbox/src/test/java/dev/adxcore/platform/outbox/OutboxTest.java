package dev.adxcore.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.TenantIsolationException;
import dev.adxcore.platform.database.UnsafeRoleException;
import dev.adxcore.platform.database.repository.JdbcRepository;
import dev.adxcore.platform.database.repository.TableMapping;
import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.outbox.support.OutboxDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recording in the unit of work: commits with the write, vanishes with a rollback, tenant-scoped, byte-faithful. */
@PlatformTest(replicas = 0)
class OutboxTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static OutboxDatabase odb;
    private static DatabaseManager app;
    private static DatabaseManager relayDb;
    private static Outbox outbox;

    record Note(UUID id, String body, Long version) {}

    static final class NoteRepository extends JdbcRepository<Note, UUID> {
        NoteRepository(DatabaseManager db) {
            super(
                    db,
                    TableMapping.<Note, UUID>builder("notes")
                            .id("id", Note::id)
                            .column("body", Note::body)
                            .version("version", Note::version)
                            .mapper(r ->
                                    new Note(r.getObject("id", UUID.class), r.getString("body"), r.getLong("version")))
                            .build());
        }
    }

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
        odb.superuser("DELETE FROM platform_outbox", "DELETE FROM notes");
    }

    private static Event event(UUID tenant, String aggregate) {
        return Event.builder("note.created")
                .tenantId(tenant)
                .aggregate("note", aggregate)
                .data("{\"n\": 1.50}")
                .build();
    }

    @Test
    void anEventRecordedInAUnitCommitsWithItsWrite() throws SQLException {
        Event e = event(A, "n1");
        app.inTransaction(A, h -> {
            h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A);
            outbox.record(e);
            return null;
        });
        assertThat(odb.strings("SELECT event_id FROM platform_outbox")).containsExactly(e.id());
        assertThat(odb.count("SELECT count(*) FROM notes")).isEqualTo(1);
    }

    @Test
    void aRolledBackUnitLeavesNoEvent() throws SQLException {
        assertThatThrownBy(() -> app.inTransaction(A, h -> {
                    h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A);
                    outbox.record(event(A, "n1"));
                    throw new IllegalStateException("business rule failed");
                }))
                .hasMessage("business rule failed");
        assertThat(odb.count("SELECT count(*) FROM platform_outbox")).isZero();
        assertThat(odb.count("SELECT count(*) FROM notes")).isZero();
    }

    @Test
    void aRepositoryWriteAndItsEventAreOneCall() throws SQLException {
        NoteRepository notes = new NoteRepository(app);
        Note created = outbox.inTransaction(
                        A,
                        h -> notes.create(A, new Note(null, "hello", null)),
                        n -> Event.builder("note.created")
                                .tenantId(A)
                                .aggregate("note", n.id().toString())
                                .data("{}")
                                .build())
                .value();
        assertThat(odb.strings("SELECT aggregate_key FROM platform_outbox")).containsExactly("note/" + created.id());
    }

    @Test
    void recordingOutsideAUnitIsRefusedWithTheFix() {
        assertThatThrownBy(() -> outbox.record(event(A, "n1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a read-write unit of work");
    }

    @Test
    void anEventOfAnotherTenantIsRefused() {
        assertThatThrownBy(() -> app.inTransaction(A, h -> {
                    outbox.record(event(B, "n1"));
                    return null;
                }))
                .isInstanceOf(TenantIsolationException.class);
    }

    @Test
    void anEventWithoutATenantIsRefused() {
        Event noTenant =
                Event.builder("note.created").withoutContext().data("{}").build();
        assertThatThrownBy(() -> app.inTransaction(A, h -> {
                    outbox.record(noTenant);
                    return null;
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no tenant");
    }

    @Test
    void theBoundContextFillsTheTenantOfAnEventBuiltInTheUnit() throws SQLException {
        try (PlatformContext.Scope ignored =
                PlatformContext.builder().tenantId(A).build().bind()) {
            app.inTransaction(A, h -> {
                outbox.record(Event.builder("note.created")
                        .aggregate("note", "n1")
                        .data("{}")
                        .build());
                return null;
            });
        }
        assertThat(odb.strings("SELECT tenant_id::text FROM platform_outbox")).containsExactly(A.toString());
    }

    @Test
    void outboxRowsOfTenantBAreInvisibleToTenantAsUnits() throws SQLException {
        app.inTransaction(B, h -> {
            outbox.record(event(B, "b1"));
            return null;
        });
        long seenByA = app.inTransaction(A, h -> h.queryOne("SELECT count(*) FROM platform_outbox", r -> r.getLong(1)))
                .value()
                .orElseThrow();
        long seenByB = app.inTransaction(B, h -> h.queryOne("SELECT count(*) FROM platform_outbox", r -> r.getLong(1)))
                .value()
                .orElseThrow();
        long seenWithoutTenant = app.inTransactionWithoutTenant(
                        h -> h.queryOne("SELECT count(*) FROM platform_outbox", r -> r.getLong(1)))
                .value()
                .orElseThrow();
        assertThat(seenByA).isZero();
        assertThat(seenByB).isEqualTo(1);
        assertThat(seenWithoutTenant).isZero();
        assertThat(odb.count("SELECT count(*) FROM platform_outbox")).isEqualTo(1);
    }

    @Test
    void theApplicationRoleCannotDeleteOrUpdateOutboxRowsEvenOfItsTenant() throws SQLException {
        app.inTransaction(A, h -> {
            outbox.record(event(A, "a1"));
            return null;
        });
        assertThatThrownBy(() -> app.inTransaction(A, h -> h.update("UPDATE platform_outbox SET published_at = now()")))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> app.inTransaction(A, h -> h.update("DELETE FROM platform_outbox")))
                .hasMessageContaining("permission denied");
        assertThat(odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL"))
                .isEqualTo(1);
    }

    @Test
    void theRelayRoleSeesEveryTenantsRowsAndTheStartupCheckHoldsForBothRoles() throws SQLException {
        app.inTransaction(A, h -> {
            outbox.record(event(A, "a1"));
            return null;
        });
        app.inTransaction(B, h -> {
            outbox.record(event(B, "b1"));
            return null;
        });
        // relayDb and app were created with roleCheck=refuse: the start-up safety check found nothing for either role.
        long seen = relayDb.inTransactionWithoutTenant(
                        h -> h.queryOne("SELECT count(*) FROM platform_outbox", r -> r.getLong(1)))
                .value()
                .orElseThrow();
        assertThat(seen).isEqualTo(2);
        assertThat(app.config().roleCheck()).isEqualTo(dev.adxcore.platform.database.DatabaseConfig.RoleCheck.REFUSE);
    }

    @Test
    void anApplicationRoleThatIsAMemberOfTheRelayRoleIsRefused() throws SQLException {
        String member = odb.appRole + "_m";
        odb.superuser(
                "DROP ROLE IF EXISTS " + member,
                "CREATE ROLE " + member + " LOGIN NOSUPERUSER NOBYPASSRLS",
                "GRANT " + odb.relayRole + " TO " + member);
        try (DatabaseManager bad = DatabaseManager.create(
                odb.appConfig().name("bad").username(member).build())) {
            assertThatThrownBy(() -> Outbox.create(bad))
                    .isInstanceOf(UnsafeRoleException.class)
                    .hasMessageContaining("member of the outbox relay role");
        } finally {
            odb.superuser("DROP ROLE " + member);
        }
    }

    @Test
    void aRelayOnTheApplicationRoleIsRefused() {
        try (EventBus bus = EventBuses.open("memory:")) {
            assertThatThrownBy(() -> OutboxRelay.create(
                            app, bus, OutboxRelayConfig.builder().build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is not the outbox relay role");
        }
    }

    @Test
    void theRelayDeliversTheWholeEventByteForByte() throws SQLException {
        Event e = Event.builder("note.created")
                .tenantId(A)
                .aggregate("note", "n1")
                .userId("u-1")
                .correlationId("corr-1")
                .extension(Event.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .extension(Event.TRACESTATE, "vendor=abc")
                .extension(Event.CAUSAL_TOKEN, "0/16B3748")
                .extension("customext", "v")
                .data("{ \"amount\" : 2.50,\"z\":[1, 2] }")
                .build();
        String recorded = CloudEventJson.write(e);
        app.inTransaction(A, h -> {
            outbox.record(e);
            return null;
        });
        List<Event> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay relay = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            bus.subscribe(EventSubscription.builder("s", received::add).build());
            relay.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        }
        assertThat(received.get(0)).isEqualTo(e);
        assertThat(CloudEventJson.write(received.get(0))).isEqualTo(recorded);
        assertThat(received.get(0).trace()).isEqualTo(e.trace());
        assertThat(odb.count("SELECT count(*) FROM platform_outbox WHERE published_at IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    void eventsOfOneAggregateArePublishedInCommitOrderByConcurrentWritersAndRelays() throws Exception {
        int writers = 4;
        int perWriter = 50;
        int aggregates = 3;
        Map<String, Long> valueOf = new ConcurrentHashMap<>();
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        try (EventBus bus = EventBuses.open("memory:");
                OutboxRelay r1 = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .name("r1")
                                .batchSize(7)
                                .partitionsPerBatch(1)
                                .meterRegistry(new SimpleMeterRegistry())
                                .build());
                OutboxRelay r2 = OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .name("r2")
                                .batchSize(5)
                                .partitionsPerBatch(2)
                                .workers(2)
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())) {
            bus.subscribe(EventSubscription.builder(
                            "order",
                            ev -> seen.computeIfAbsent(
                                            ev.aggregateId().orElseThrow(), k -> new CopyOnWriteArrayList<>())
                                    .add(ev.id()))
                    .build());
            r1.start();
            r2.start();
            List<Thread> threads = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        String agg = "agg-" + ((writer + i) % aggregates);
                        Event ev = Event.builder("counter.incremented")
                                .tenantId(A)
                                .aggregate("counter", agg)
                                .data("{}")
                                .build();
                        // The event is recorded before the aggregate's row is touched: only the outbox's own
                        // aggregate lock makes the outbox order the commit order.
                        long value = app.inTransaction(A, h -> {
                                    outbox.record(h, ev);
                                    return nextValue(h, agg);
                                })
                                .value();
                        valueOf.put(ev.id(), value);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> seen.values().stream().mapToInt(List::size).sum() >= writers * perWriter);
        }
        for (Map.Entry<String, List<String>> e : seen.entrySet()) {
            List<Long> values = e.getValue().stream().map(valueOf::get).toList();
            for (int i = 1; i < values.size(); i++) {
                assertThat(values.get(i))
                        .as("event %d of %s (values %s)", i, e.getKey(), values)
                        .isEqualTo(values.get(i - 1) + 1);
            }
        }
    }

    private static long nextValue(dev.adxcore.platform.database.Handle h, String agg) throws SQLException {
        return h.queryOne(
                        "INSERT INTO counters (tenant_id, aggregate, value) VALUES (?, ?, 1) ON CONFLICT (tenant_id, aggregate)"
                                + " DO UPDATE SET value = counters.value + 1 RETURNING value",
                        r -> r.getLong(1),
                        A,
                        agg)
                .orElseThrow();
    }
}
