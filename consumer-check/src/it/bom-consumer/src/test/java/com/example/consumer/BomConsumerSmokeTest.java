package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.RowLevelSecurity;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a product team's first test does with the SDK resolved through the BOM alone: a tenant-isolated table on
 * the kit's real PostgreSQL primary + replica, an event through the kit's real Redis, a Temporal test
 * environment. A wrong or missing version in the BOM shows up here as a convergence failure, a
 * NoSuchMethodError or a ClassNotFoundException.
 */
@PlatformTest(replicas = 1)
class BomConsumerSmokeTest {

    /** Roles are cluster-wide: a name of its own, in case the kit runs on shared servers. */
    private static final String ROLE = "consumer_app_" + Long.toHexString(System.nanoTime());

    @Test
    void tenantIsolationEventsAndTemporalWorkThroughTheBomAlone(PostgresCluster pg, RedisServer redis) throws Exception {
        try (Connection c = pg.openPrimary(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD 'app' NOSUPERUSER NOBYPASSRLS");
            s.execute("GRANT CONNECT ON DATABASE \"" + pg.databaseName() + "\" TO " + ROLE);
            s.execute("CREATE TABLE notes (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, body text NOT NULL)");
            s.execute("GRANT SELECT, INSERT ON notes TO " + ROLE);
            s.execute("GRANT USAGE ON SEQUENCE notes_id_seq TO " + ROLE);
            for (String sql : RowLevelSecurity.statements("notes")) {
                s.execute(sql);
            }
        }
        pg.awaitReplication();

        UUID tenantA = UUID.randomUUID();
        UUID tenantB = UUID.randomUUID();
        try (DatabaseManager db = DatabaseManager.create(DatabaseConfig.builder()
                .primaryUrl(withoutUser(pg.primaryJdbcUrl())).replicaUrls(List.of(withoutUser(pg.replicaJdbcUrl(0))))
                .username(ROLE).password("app").build())) {
            db.inTransaction(tenantA, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", tenantA, "a"));
            db.inTransaction(tenantB, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", tenantB, "b"));
            List<String> seenByA = db.read(tenantA, ReadConsistency.latest(),
                    h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
            assertThat(seenByA).containsExactly("a");
        }

        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        try (EventBus bus = EventBuses.open(URI.create(redis.uri() + "?streamKeyPrefix=" + redis.key("events")))) {
            bus.subscribe(EventSubscription.builder("smoke", received::add).types("note.created").build());
            PlatformContext ctx = PlatformContext.builder().tenantId(tenantA).build();
            try (PlatformContext.Scope ignored = ctx.bind()) {   // the event takes tenant and correlation from it
                bus.publish(Event.builder("note.created").data("{\"body\":\"a\"}").build())
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            Event event = received.poll(10, TimeUnit.SECONDS);
            assertThat(event).isNotNull();
            assertThat(event.tenantId()).contains(tenantA);
            assertThat(event.correlationId()).isEqualTo(ctx.correlationId());
        }

        try (TestWorkflowEnvironment temporal = TestWorkflowEnvironment.newInstance()) {
            assertThat(temporal.getNamespace()).isEqualTo("default");
        }
    }

    private static String withoutUser(String jdbcUrl) {
        return jdbcUrl.replaceAll("[?&](user|password)=[^&]*", "");
    }

}
