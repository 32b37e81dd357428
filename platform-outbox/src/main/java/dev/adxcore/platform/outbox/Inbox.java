package dev.adxcore.platform.outbox;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventHandler;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.NonRetryableEventException;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/**
 * Idempotent consumers: a handler wrapper that records {@code (subscription id, event id)} in the
 * {@value OutboxSchema#INBOX_TABLE} table in the same read-write unit of work as the handler's own changes.
 * A redelivered event (the buses deliver at least once) finds its entry and is acknowledged without calling
 * the handler again, so its effect on the database happens once; a handler that fails rolls its changes and
 * the entry back together, so the retry runs it again.
 *
 * <pre>{@code
 * Inbox inbox = Inbox.create(db);
 * bus.subscribe(inbox.subscription("billing", (event, h) ->
 *         h.update("INSERT INTO invoices (tenant_id, order_id) VALUES (?, ?)", event.tenantId().orElseThrow(),
 *                 event.aggregateId().orElseThrow())).build());
 * }</pre>
 *
 * <p>Two deliveries of one event at once (two consumers after a redelivery) serialise on the entry's
 * primary key: the second waits for the first's commit, then finds the entry and skips; if the first rolled
 * back, the second runs the handler. Events must carry a tenant (the inbox is a tenant table under
 * row-level security): an event without one is dead-lettered ({@link NonRetryableEventException}). Rows older
 * than {@link OutboxRelayConfig#inboxRetention()} are deleted by the relay in batches; a redelivery older than
 * the retention would run the handler again, so keep the retention well above the bus's redelivery horizon.
 *
 * <p>Cost: one extra statement in the handler's unit. Thread-safe; share one per database.
 *
 * @since 0.1.0
 */
public final class Inbox {

    private static final String MARK = "INSERT INTO " + OutboxSchema.INBOX_TABLE
            + " (subscription_id, event_id, tenant_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private final DatabaseManager db;

    private Inbox(DatabaseManager db) {
        this.db = db;
    }

    /**
     * Creates the inbox on the application role's database.
     *
     * @param db the database manager whose units the handlers run in
     * @return the inbox
     */
    public static Inbox create(DatabaseManager db) {
        return new Inbox(Objects.requireNonNull(db, "db"));
    }

    /**
     * Wraps a handler: each event runs in one read-write unit of the event's tenant that first records the
     * inbox entry, then calls the handler (skipped when the entry existed).
     *
     * @param subscriptionId the subscription's id (the inbox key's first half; use the subscription's own id)
     * @param handler the handler
     * @return the wrapped handler, for {@link EventSubscription#builder(String, EventHandler)}
     * @throws IllegalArgumentException when the subscription id is blank
     */
    public EventHandler handler(String subscriptionId, InboxHandler handler) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(handler, "handler");
        if (subscriptionId.isBlank()) {
            throw new IllegalArgumentException("subscriptionId must not be blank");
        }
        return event -> handle(subscriptionId, handler, event);
    }

    /**
     * A subscription builder whose handler is {@link #handler(String, InboxHandler)} under the same id.
     *
     * @param subscriptionId the subscription id
     * @param handler the handler
     * @return the builder (add types, retry policy, concurrency, then build)
     */
    public EventSubscription.Builder subscription(String subscriptionId, InboxHandler handler) {
        return EventSubscription.builder(subscriptionId, handler(subscriptionId, handler));
    }

    /**
     * Records the inbox entry in a unit of work the caller runs itself.
     *
     * @param handle the read-write unit of the event's tenant
     * @param subscriptionId the subscription id
     * @param event the event
     * @return true when this is the first time (go on and handle it), false when it was handled already
     * @throws SQLException when the insert fails
     * @throws IllegalStateException in a read-only unit
     */
    public boolean markHandled(Handle handle, String subscriptionId, Event event) throws SQLException {
        Objects.requireNonNull(handle, "handle");
        UUID tenant = handle.tenantId()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "inbox entries are recorded in the event's tenant's unit of work (db.inTransaction(tenantId, ...))"));
        return handle.update(MARK, subscriptionId, event.id(), tenant) == 1;
    }

    private void handle(String subscriptionId, InboxHandler handler, Event event) throws Exception {
        UUID tenant = event.tenantId()
                .orElseThrow(() -> new NonRetryableEventException("event " + event.id() + " ("
                        + event.type() + ") has no tenant: the inbox of subscription " + subscriptionId
                        + " is a tenant table; publish tenant events only to inbox subscriptions"));
        try {
            db.inTransaction(tenant, h -> {
                if (markHandled(h, subscriptionId, event)) {
                    try {
                        handler.handle(event, h);
                    } catch (SQLException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new HandlerFailure(e);
                    }
                    return Boolean.TRUE;
                }
                return Boolean.FALSE;
            });
        } catch (HandlerFailure f) {
            throw (Exception) f.getCause();
        }
    }

    /** Carries a checked exception of the handler out of the unit of work (which then rolls back). */
    private static final class HandlerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerFailure(Exception cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    @Override
    public String toString() {
        return "Inbox{" + db.config().name() + '}';
    }
}
