package dev.adxcore.platform.outbox;

import dev.adxcore.platform.database.Committed;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.TenantIsolationException;
import dev.adxcore.platform.database.UnsafeRoleException;
import dev.adxcore.platform.database.Work;
import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.outbox.internal.Keys;
import dev.adxcore.platform.outbox.internal.LocalRelays;
import dev.adxcore.platform.outbox.internal.RoleChecks;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records events in the read-write unit of work that makes the change they describe: the event is a row
 * of the {@value OutboxSchema#OUTBOX_TABLE} table, written in the same transaction, so it exists exactly
 * when the change committed (a rolled-back unit leaves no event). The {@link OutboxRelay} publishes it
 * after the commit.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create(db);                       // db: the application role's DatabaseManager
 * db.inTransaction(tenantId, h -> {                         // from a unit of work
 *     h.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, accountId);
 *     outbox.record(Event.builder("account.debited").aggregate("account", accountId.toString())
 *             .data(json).build());                         // tenant, user, correlation, trace: from the context
 *     return null;
 * });
 * Committed<Invoice> c = outbox.inTransaction(tenantId,     // from a repository write, one call
 *         h -> invoices.create(tenantId, invoice),
 *         created -> Event.builder("invoice.created").aggregate("invoice", created.id().toString())
 *                 .data(json).build());
 * }</pre>
 *
 * <p><b>Tenant.</b> The outbox is a tenant table under row-level security: events are recorded only in a
 * tenant's unit ({@code db.inTransaction(tenantId, ...)}), and the event's {@link Event#tenantId()} must be
 * that tenant (events built while the request's {@code PlatformContext} is bound carry it).
 *
 * <p><b>Order.</b> Recording an event with an aggregate takes a transaction-scoped advisory lock on the
 * aggregate ({@code pg_advisory_xact_lock}), so two units recording events of one aggregate commit one
 * after the other and the outbox's sequence order is their commit order: the relay publishes them in that
 * order. Units recording events of several aggregates should record them in a consistent order (as with
 * row locks, opposite orders can deadlock; PostgreSQL then aborts one unit).
 *
 * <p><b>Fidelity.</b> The stored row is the event's CloudEvents JSON ({@link CloudEventJson#writeBytes}) with
 * every attribute and extension (trace, causal token, custom extensions): the relay publishes an event equal
 * to the recorded one.
 *
 * <p><b>Wake-up.</b> When an {@link OutboxRelay} of the same database (same primary URL) runs in this JVM, the
 * unit wakes it once it has committed ({@link Handle#afterCommit}), and never for a rolled-back unit. Otherwise the
 * insert also calls {@code pg_notify('platform_outbox', '')}, which PostgreSQL delivers only at commit, so
 * listening relays of other processes publish at once. The local wake-up is preferred because PostgreSQL
 * serialises the commits of notifying transactions (each holds the notification queue's lock through its commit):
 * with {@code pg_notify} in every unit, concurrent recording units commit one at a time. Relays of other
 * instances still find locally woken events, through their own local wake-ups or their poll interval.
 *
 * <p>Cost: no round trip of its own. The insert is sent with the unit's {@code COMMIT}, in the same round trip
 * ({@link Handle#updateAtCommit}), and the advisory lock is taken there, so it is held only while the unit commits.
 * The row is therefore not visible inside the unit that records it; a failing insert fails the unit at its commit,
 * and nothing is committed. Thread-safe; create one per
 * {@link DatabaseManager} and share it.
 *
 * @since 0.1.0
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private static final String INSERT_COLUMNS = "INSERT INTO " + OutboxSchema.OUTBOX_TABLE
            + " (tenant_id, event_id, event_type, aggregate_key, partition_no, payload) SELECT ?, ?, ?, ?, ?, ? FROM ";
    private static final String INSERT_WITH_AGGREGATE =
            INSERT_COLUMNS + "(SELECT pg_advisory_xact_lock(?, ?), pg_notify('" + Keys.CHANNEL + "', '')) AS recorded";
    private static final String INSERT_WITHOUT_AGGREGATE =
            INSERT_COLUMNS + "(SELECT pg_notify('" + Keys.CHANNEL + "', '')) AS recorded";
    private static final String INSERT_WITH_AGGREGATE_QUIET =
            INSERT_COLUMNS + "(SELECT pg_advisory_xact_lock(?, ?)) AS recorded";
    private static final String INSERT_WITHOUT_AGGREGATE_QUIET = "INSERT INTO " + OutboxSchema.OUTBOX_TABLE
            + " (tenant_id, event_id, event_type, aggregate_key, partition_no, payload) VALUES (?, ?, ?, ?, ?, ?)";

    private final DatabaseManager db;
    private final String databaseKey;

    private Outbox(DatabaseManager db) {
        this.db = db;
        this.databaseKey = LocalRelays.key(db);
    }

    /**
     * Creates the recorder for a database and checks, in one read, that its role cannot read every tenant's
     * outbox rows (it must not be, or be a member of, the relay role named in the {@code relay_access} policy).
     *
     * @param db the application role's database manager
     * @return the recorder
     * @throws UnsafeRoleException when the database's role is a member of the relay role
     * @throws dev.adxcore.platform.database.DatabaseException when the check cannot run (for example the
     *         schema is missing: apply {@link OutboxSchema} first)
     */
    public static Outbox create(DatabaseManager db) {
        Objects.requireNonNull(db, "db");
        List<String> relayRoles = db.readWithoutTenant(ReadConsistency.latest(), RoleChecks::relayRolesOfCurrentUser);
        if (!relayRoles.isEmpty()) {
            throw new UnsafeRoleException(
                    "the application role of " + db.config().name() + " ('"
                            + db.config().username()
                            + "') is a member of the outbox relay role " + relayRoles
                            + ": it could read every tenant's outbox "
                            + "rows. Record events with a role that is not a member of the relay role (REVOKE "
                            + relayRoles.get(0) + " FROM " + db.config().username() + ")",
                    null);
        }
        LOG.debug("{} - outbox recorder ready", db.config().name());
        return new Outbox(db);
    }

    /**
     * Records an event in the read-write unit of work running on this thread (joined through
     * {@link DatabaseManager#currentTransaction()}).
     *
     * @param event the event; its tenant must be the unit's
     * @throws IllegalStateException outside a read-write unit, or in a unit without a tenant
     * @throws IllegalArgumentException when the event has no tenant
     * @throws TenantIsolationException when the event belongs to another tenant than the unit
     * @throws SQLException when an earlier group of recorded events, sent at once, fails (the unit then rolls back);
     *     the insert of this event fails the unit at its commit
     */
    public void record(Event event) throws SQLException {
        Handle h = db.currentTransaction()
                .orElseThrow(() -> new IllegalStateException("Outbox.record(event) must run "
                        + "inside a read-write unit of work (db.inTransaction(tenantId, h -> ...)) so that the event commits with "
                        + "the change it describes; or pass the unit's handle to record(handle, event)"));
        record(h, event);
    }

    /**
     * Records an event in the given read-write unit of work.
     *
     * @param handle the unit's handle
     * @param event the event; its tenant must be the unit's
     * @throws IllegalStateException in a read-only unit or a unit without a tenant
     * @throws IllegalArgumentException when the event has no tenant
     * @throws TenantIsolationException when the event belongs to another tenant than the unit
     * @throws SQLException when an earlier group of recorded events, sent at once, fails (the unit then rolls back);
     *     the insert of this event fails the unit at its commit
     */
    public void record(Handle handle, Event event) throws SQLException {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(event, "event");
        if (handle.isReadOnly()) {
            throw new IllegalStateException(
                    "events are recorded in a read-write unit (db.inTransaction), not in a read");
        }
        UUID tenant = handle.tenantId()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "events are recorded in a tenant's "
                                        + "unit of work (db.inTransaction(tenantId, ...)): the outbox is a tenant table under row-level security"));
        UUID eventTenant = event.tenantId()
                .orElseThrow(() -> new IllegalArgumentException("event " + event.id()
                        + " (" + event.type()
                        + ") has no tenant: build it with .tenantId(tenantId) or while the request's "
                        + "PlatformContext is bound"));
        if (!tenant.equals(eventTenant)) {
            throw new TenantIsolationException(
                    "event " + event.id() + " belongs to another tenant than this unit of work "
                            + "(record a tenant's events in that tenant's unit)",
                    null);
        }
        byte[] payload = CloudEventJson.writeBytes(event);
        String aggregate = Keys.aggregateKey(event);
        Set<Runnable> localRelays = LocalRelays.of(databaseKey);
        if (localRelays != null) {
            for (Runnable wake : localRelays) {
                handle.afterCommit(wake);
            }
        }
        boolean notify = localRelays == null;
        if (aggregate == null) {
            handle.updateAtCommit(
                    notify ? INSERT_WITHOUT_AGGREGATE : INSERT_WITHOUT_AGGREGATE_QUIET,
                    tenant,
                    event.id(),
                    event.type(),
                    null,
                    Keys.partition(event.id()),
                    payload);
        } else {
            handle.updateAtCommit(
                    notify ? INSERT_WITH_AGGREGATE : INSERT_WITH_AGGREGATE_QUIET,
                    tenant,
                    event.id(),
                    event.type(),
                    aggregate,
                    Keys.partition(aggregate),
                    payload,
                    Keys.AGGREGATE_LOCK_CLASS,
                    Keys.hash(aggregate));
        }
    }

    /**
     * Runs a write and records the event it produced, in one read-write unit: one call from a repository
     * write ({@code h -> repository.create(tenantId, entity)}: repositories join the unit).
     *
     * @param <T> what the write returns
     * @param tenantId the tenant
     * @param write the write
     * @param eventOf builds the event from the write's result; return null to record nothing
     * @return the write's result and the commit's causal token
     * @throws dev.adxcore.platform.database.DatabaseException when the write, the insert or the commit fails
     *         (nothing is committed: neither the write nor the event)
     */
    public <T extends @Nullable Object> Committed<T> inTransaction(
            UUID tenantId, Work<T> write, Function<? super T, ? extends @Nullable Event> eventOf) {
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(eventOf, "eventOf");
        return db.inTransaction(tenantId, h -> {
            T value = write.run(h);
            Event event = eventOf.apply(value);
            if (event != null) {
                record(h, event);
            }
            return value;
        });
    }

    @Override
    public String toString() {
        return "Outbox{" + db.config().name() + '}';
    }
}
