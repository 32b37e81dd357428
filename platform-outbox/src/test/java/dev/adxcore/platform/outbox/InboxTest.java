package dev.adxcore.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventHandler;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.outbox.support.OutboxDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbox: a redelivered event has no second effect; a failed attempt leaves no entry. */
@PlatformTest(replicas = 0)
class InboxTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static OutboxDatabase odb;
    private static DatabaseManager app;
    private static Inbox inbox;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        odb = OutboxDatabase.setUp(pg);
        app = odb.app();
        inbox = Inbox.create(app);
    }

    @AfterAll
    static void tearDown() {
        app.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        odb.superuser("DELETE FROM effects", "DELETE FROM platform_inbox");
    }

    private static InboxHandler effect(String subscription) {
        return (event, h) -> h.update(
                "INSERT INTO effects (tenant_id, event_id, subscription_id) VALUES (?, ?, ?)",
                event.tenantId().orElseThrow(),
                event.id(),
                subscription);
    }

    @Test
    void aRedeliveredEventHasNoSecondEffect() throws Exception {
        EventHandler handler = inbox.handler("billing", effect("billing"));
        Event e = Event.builder("order.paid")
                .tenantId(A)
                .aggregate("order", "o1")
                .data("{}")
                .build();
        handler.handle(e);
        handler.handle(e);
        handler.handle(e);
        assertThat(odb.count("SELECT count(*) FROM effects")).isEqualTo(1);
        assertThat(odb.count("SELECT count(*) FROM platform_inbox")).isEqualTo(1);
    }

    @Test
    void anotherSubscriptionHandlesTheSameEventOnce() throws Exception {
        Event e = Event.builder("order.paid").tenantId(A).data("{}").build();
        inbox.handler("billing", effect("billing")).handle(e);
        inbox.handler("shipping", effect("shipping")).handle(e);
        inbox.handler("shipping", effect("shipping")).handle(e);
        assertThat(odb.strings("SELECT subscription_id FROM effects ORDER BY 1"))
                .containsExactly("billing", "shipping");
    }

    @Test
    void aFailedAttemptRollsBackItsEffectAndItsEntrySoTheRetryRunsAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventHandler handler = inbox.handler("flaky", (event, h) -> {
            effect("flaky").handle(event, h);
            if (calls.incrementAndGet() == 1) {
                throw new java.io.IOException("downstream timed out");
            }
        });
        Event e = Event.builder("order.paid").tenantId(B).data("{}").build();
        assertThatThrownBy(() -> handler.handle(e))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("downstream timed out");
        assertThat(odb.count("SELECT count(*) FROM platform_inbox")).isZero();
        handler.handle(e);
        handler.handle(e);
        assertThat(calls).hasValue(2);
        assertThat(odb.count("SELECT count(*) FROM effects")).isEqualTo(1);
    }

    @Test
    void anEventWithoutATenantIsDeadLetteredAtOnce() {
        Event e = Event.builder("system.tick").withoutContext().data("{}").build();
        assertThatThrownBy(() -> inbox.handler("billing", effect("billing")).handle(e))
                .isInstanceOf(NonRetryableEventException.class)
                .hasMessageContaining("has no tenant");
    }

    @Test
    void inboxEntriesOfTenantBAreInvisibleToTenantA() throws Exception {
        inbox.handler("billing", effect("billing"))
                .handle(Event.builder("order.paid").tenantId(B).data("{}").build());
        long seenByA = app.inTransaction(A, h -> h.queryOne("SELECT count(*) FROM platform_inbox", r -> r.getLong(1)))
                .value()
                .orElseThrow();
        assertThat(seenByA).isZero();
        assertThat(odb.count("SELECT count(*) FROM platform_inbox")).isEqualTo(1);
    }
}
