package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.impl.${Entity}Events;
import ${package}.impl.${Entity}Repository;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The write's event goes through the outbox: it is recorded in the write's own unit of work and the relay (on
 * its own pool, as the relay role) publishes it to the bus. Real PostgreSQL from the test kit.
 */
@PlatformTest(replicas = 0)
class ${Entity}EventsTest {

    @Test
    void aRolledBackWriteLeavesNoEvent(PostgresCluster pg) throws Exception {
        UUID tenant = UUID.randomUUID();
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg));
                PlatformContext.Scope ignored = PlatformContext.builder().tenantId(tenant).userId("tester").build().bind()) {
            ${Entity}Repository repository = new ${Entity}Repository(db);
            ${Entity}Events events = new ${Entity}Events(Outbox.create(db));

            assertThatThrownBy(() -> db.inTransaction(h -> {
                ${Entity} created = repository.create(new ${Entity}(null, "rolled-back", ${Entity}.PENDING, null, null,
                        OffsetDateTime.now(ZoneOffset.UTC)));
                events.record("${entity}.created", created);
                throw new IllegalStateException("the write fails after recording its event");
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("after recording its event");

            assertThat(repository.count()).isZero();
        }
        // The relay can only publish what is in the table: read it as the superuser, past row-level security.
        assertThat(outboxRows(pg, tenant)).as("outbox rows of the rolled-back unit's tenant").isZero();
    }

    @Test
    void aCommittedWritesEventReachesABusSubscriberThroughTheRelay(PostgresCluster pg) throws Exception {
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        UUID tenant = UUID.randomUUID();
        PlatformContext context = PlatformContext.builder().tenantId(tenant).userId("tester").build();
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg));
                DatabaseManager relayDb = DatabaseManager.create(TestDatabase.relay(pg));
                EventBus bus = EventBuses.open(URI.create("memory:/"));
                OutboxRelay relay = OutboxRelay.create(relayDb, bus, OutboxRelayConfig.builder().name("test").build())) {
            bus.subscribe(EventSubscription.builder("test", received::add).types("${entity}.*").build());
            relay.start();
            ${Entity}Repository repository = new ${Entity}Repository(db);
            ${Entity}Events events = new ${Entity}Events(Outbox.create(db));

            ${Entity} created;
            try (PlatformContext.Scope ignored = context.bind()) {
                created = db.inTransaction(h -> {
                    ${Entity} value = repository.create(new ${Entity}(null, "committed", ${Entity}.PENDING, null, null,
                            OffsetDateTime.now(ZoneOffset.UTC)));
                    events.record("${entity}.created", value);
                    return value;
                }).value();
            }

            // Events of other tests' tenants may still be pending in the shared database: wait for ours.
            Event event = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (event == null && System.nanoTime() < deadline) {
                Event next = received.poll(1, TimeUnit.SECONDS);
                if (next != null && next.tenantId().equals(java.util.Optional.of(tenant))) {
                    event = next;
                }
            }
            assertThat(event).as("the committed write's event, delivered by the relay").isNotNull();
            assertThat(event.type()).isEqualTo("${entity}.created");
            assertThat(event.aggregateType()).contains("${entity}");
            assertThat(event.aggregateId()).contains(String.valueOf(created.id()));
            assertThat(event.correlationId()).isEqualTo(context.correlationId());
            assertThat(event.userId()).contains("tester");
            assertThat(event.data()).contains("\"name\":\"committed\"");
        }
    }

    private static long outboxRows(PostgresCluster pg, UUID tenant) throws Exception {
        try (Connection owner = pg.openPrimary();
                PreparedStatement ps = owner.prepareStatement("SELECT count(*) FROM platform_outbox WHERE tenant_id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
