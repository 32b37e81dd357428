package dev.adxcore.platform.database.repository;

import dev.adxcore.platform.database.Committed;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.database.OptimisticLockException;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.TenantIsolationException;
import dev.adxcore.platform.database.Work;
import dev.adxcore.platform.database.internal.Tenants;
import dev.adxcore.platform.database.sql.TenantSql;
import dev.adxcore.platform.database.sql.TenantStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Repository} over JDBC, described by a {@link TableMapping}. Every statement is built with
 * {@link TenantSql} (tenant bound as a parameter) and runs in a {@link DatabaseManager} unit of work
 * for that tenant, so row-level security applies as well. Writes join the read-write unit running on
 * the calling thread ({@link DatabaseManager#currentTransaction()}) or run in their own; reads use
 * {@link #readConsistency()} (the primary unless overridden) or the current read-write unit.
 *
 * <p>Subclass it to add finders with {@link #findWhere(UUID, String, Object...)}; subclasses are
 * typically a constructor and a few methods. Thread-safe if the mapping's functions are. Cheap to create
 * (it holds no connection: share one per entity); each call costs one unit of work, a pooled connection and
 * usually one round trip.
 *
 * @param <T> the entity type
 * @param <ID> the identifier type
 * @since 0.1.0
 */
public class JdbcRepository<T, ID> implements Repository<T, ID> {

    private final DatabaseManager db;
    private final TableMapping<T, ID> mapping;
    private final @Nullable ReadConsistency consistency;

    /**
     * Creates the repository.
     *
     * @param db the manager that runs the units of work
     * @param mapping how the entity maps to its table
     */
    public JdbcRepository(DatabaseManager db, TableMapping<T, ID> mapping) {
        this.db = Objects.requireNonNull(db, "db");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.consistency = null;
    }

    /**
     * A view of another repository whose reads use {@code consistency} (subclasses offer their own
     * finders on such a view with a constructor that calls this one).
     *
     * @param base the repository to view
     * @param consistency the consistency of this view's reads outside a read-write unit
     * @since 0.2.0
     */
    protected JdbcRepository(JdbcRepository<T, ID> base, ReadConsistency consistency) {
        this.db = Objects.requireNonNull(base, "base").db;
        this.mapping = base.mapping;
        this.consistency = Objects.requireNonNull(consistency, "consistency");
    }

    /**
     * This repository with reads at another consistency, for example
     * {@code invoices.withConsistency(ReadConsistency.causal(token)).findById(tenant, id)} to read one's
     * own write from a replica. Cheap: no new resources.
     *
     * @param consistency the consistency of the view's reads outside a read-write unit
     * @return the view (the base class's operations; subclasses' finders need their own view constructor)
     * @since 0.2.0
     */
    public JdbcRepository<T, ID> withConsistency(ReadConsistency consistency) {
        return new JdbcRepository<>(this, consistency);
    }

    /**
     * Creates an entity in a unit of its own and returns it with the commit's causal token, to hand to
     * a later {@code ReadConsistency.causal(token)} read.
     *
     * @param tenantId the tenant
     * @param entity the entity
     * @return the created entity (database-managed columns filled in) and the commit's token
     * @throws IllegalStateException inside a read-write unit on this thread (its own commit has the token)
     * @since 0.2.0
     */
    public Committed<T> createCommitted(UUID tenantId, T entity) {
        Tenants.require(tenantId, "JdbcRepository.createCommitted");
        ownUnit("createCommitted");
        return db.inTransaction(tenantId, h -> create(tenantId, entity));
    }

    /**
     * Updates an entity in a unit of its own and returns it with the commit's causal token.
     *
     * @param tenantId the tenant
     * @param entity the entity, with its id (and version when versioned)
     * @return the updated entity and the commit's token
     * @throws IllegalStateException inside a read-write unit on this thread
     * @since 0.2.0
     */
    public Committed<T> updateCommitted(UUID tenantId, T entity) {
        Tenants.require(tenantId, "JdbcRepository.updateCommitted");
        ownUnit("updateCommitted");
        return db.inTransaction(tenantId, h -> update(tenantId, entity));
    }

    /**
     * Deletes an entity in a unit of its own and returns whether it existed, with the commit's causal token.
     *
     * @param tenantId the tenant
     * @param id the id
     * @return whether a row was deleted, and the commit's token
     * @throws IllegalStateException inside a read-write unit on this thread
     * @since 0.2.0
     */
    public Committed<Boolean> deleteCommitted(UUID tenantId, ID id) {
        Tenants.require(tenantId, "JdbcRepository.deleteCommitted");
        ownUnit("deleteCommitted");
        return db.inTransaction(tenantId, h -> delete(tenantId, id));
    }

    private void ownUnit(String method) {
        if (db.currentTransaction().isPresent()) {
            throw new IllegalStateException(
                    method + " runs its own unit of work, but a read-write unit is running on "
                            + "this thread: call the plain method to join it and take the token from inTransaction(...)'s Committed");
        }
    }

    /** @return the manager */
    protected final DatabaseManager db() {
        return db;
    }

    /** @return the mapping */
    protected final TableMapping<T, ID> mapping() {
        return mapping;
    }

    /**
     * The consistency of this repository's reads outside a read-write unit. Override to read from replicas.
     *
     * @return the view's consistency ({@link #withConsistency(ReadConsistency)}), else {@link ReadConsistency#latest()}
     */
    protected ReadConsistency readConsistency() {
        return consistency != null ? consistency : ReadConsistency.latest();
    }

    @Override
    public T create(UUID tenantId, T entity) {
        Tenants.require(tenantId, "JdbcRepository.create");
        Objects.requireNonNull(entity, "entity");
        TenantSql.Insert insert = TenantSql.insert(mapping.table()).tenantColumn(mapping.tenantColumn());
        ID id = mapping.idOf(entity);
        if (id != null) {
            insert.value(mapping.idColumn(), id);
        }
        for (Map.Entry<String, Function<T, ?>> c : mapping.columns().entrySet()) {
            insert.value(c.getKey(), c.getValue().apply(entity));
        }
        // database-managed columns are never written; RETURNING * reads them back
        Long version = mapping.versionOf(entity);
        if (mapping.versionColumn() != null && version != null) {
            insert.value(mapping.versionColumn(), version);
        }
        TenantStatement statement = insert.returning("*").build(tenantId);
        return write(tenantId, h -> h.queryOne(statement, mapping.mapper()).orElseThrow());
    }

    @Override
    public Optional<T> findById(UUID tenantId, ID id) {
        Tenants.require(tenantId, "JdbcRepository.findById");
        Objects.requireNonNull(id, "id");
        TenantStatement statement = select().where(quotedId() + " = ?", id).build(tenantId);
        return read(tenantId, h -> h.queryOne(statement, mapping.mapper()));
    }

    @Override
    public List<T> list(UUID tenantId, int limit, int offset) {
        Tenants.require(tenantId, "JdbcRepository.list");
        TenantStatement statement =
                select().orderBy(mapping.idColumn()).limit(limit).offset(offset).build(tenantId);
        return read(tenantId, h -> h.query(statement, mapping.mapper()));
    }

    @Override
    public Page<T, ID> page(UUID tenantId, @Nullable ID after, int limit) {
        Tenants.require(tenantId, "JdbcRepository.page");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 (was " + limit + ")");
        }
        TenantSql.Select select = select();
        if (after != null) {
            select.where(quotedId() + " > ?", after);
        }
        TenantStatement statement =
                select.orderBy(mapping.idColumn()).limit(limit + 1L).build(tenantId);
        List<T> rows = read(tenantId, h -> h.query(statement, mapping.mapper()));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, mapping.idOf(items.get(limit - 1)));
    }

    @Override
    public long count(UUID tenantId) {
        Tenants.require(tenantId, "JdbcRepository.count");
        TenantStatement statement = TenantSql.count(mapping.table())
                .tenantColumn(mapping.tenantColumn())
                .build(tenantId);
        return read(tenantId, h -> h.queryOne(statement, row -> row.getLong(1)).orElse(0L));
    }

    @Override
    public T update(UUID tenantId, T entity) {
        Tenants.require(tenantId, "JdbcRepository.update");
        Objects.requireNonNull(entity, "entity");
        ID id = mapping.idOf(entity);
        if (id == null) {
            throw new IllegalArgumentException("cannot update a " + mapping.table() + " entity without an id");
        }
        TenantSql.Update update = TenantSql.update(mapping.table()).tenantColumn(mapping.tenantColumn());
        for (Map.Entry<String, Function<T, ?>> c : mapping.columns().entrySet()) {
            update.set(c.getKey(), c.getValue().apply(entity));
        }
        String versionColumn = mapping.versionColumn();
        Long version = mapping.versionOf(entity);
        if (versionColumn != null) {
            if (version == null) {
                throw new IllegalArgumentException(
                        "cannot update a versioned " + mapping.table() + " entity without its version (read it first)");
            }
            update.increment(versionColumn).where(quotedId() + " = ? AND \"" + versionColumn + "\" = ?", id, version);
        } else {
            update.where(quotedId() + " = ?", id);
        }
        TenantStatement statement = update.returning("*").build(tenantId);
        TenantStatement exists = TenantSql.select(mapping.table())
                .tenantColumn(mapping.tenantColumn())
                .columns(mapping.idColumn())
                .where(quotedId() + " = ?", id)
                .build(tenantId);
        return write(tenantId, h -> {
            Optional<T> updated = h.queryOne(statement, mapping.mapper());
            if (updated.isPresent()) {
                return updated.get();
            }
            if (versionColumn != null && h.queryOne(exists, row -> Boolean.TRUE).isPresent()) {
                throw new OptimisticLockException(
                        mapping.table() + " " + id + " was changed by someone else since " + "version " + version
                                + " was read; reload it and apply the change again",
                        null);
            }
            throw new NotFoundException(mapping.table() + " " + id + " does not exist for this tenant", null);
        });
    }

    @Override
    public boolean delete(UUID tenantId, ID id) {
        Tenants.require(tenantId, "JdbcRepository.delete");
        Objects.requireNonNull(id, "id");
        TenantStatement statement = TenantSql.delete(mapping.table())
                .tenantColumn(mapping.tenantColumn())
                .where(quotedId() + " = ?", id)
                .build(tenantId);
        return write(tenantId, h -> h.update(statement) > 0);
    }

    /**
     * Finds the tenant's entities matching a condition, for subclasses' finders.
     *
     * @param tenantId the tenant
     * @param condition a boolean SQL expression written in code, values as {@code ?}; wrapped in parentheses
     * @param parameters the values, one per {@code ?}
     * @return the entities ordered by id
     * @throws IllegalArgumentException when the condition is unsafe or the placeholder count differs
     */
    protected List<T> findWhere(UUID tenantId, String condition, @Nullable Object... parameters) {
        Tenants.require(tenantId, "JdbcRepository.findWhere");
        TenantStatement statement = select().where(condition, parameters)
                .orderBy(mapping.idColumn())
                .build(tenantId);
        return read(tenantId, h -> h.query(statement, mapping.mapper()));
    }

    /**
     * Runs read work for the tenant: in the current read-write unit, else with {@link #readConsistency()}.
     *
     * @param <R> the result type
     * @param tenantId the tenant
     * @param work the work
     * @return its result
     */
    protected final <R> R read(UUID tenantId, Work<R> work) {
        Tenants.require(tenantId, "JdbcRepository.read");
        return db.read(tenantId, readConsistency(), work);
    }

    /**
     * Runs write work for the tenant: in the current read-write unit, else in a new one.
     *
     * @param <R> the result type
     * @param tenantId the tenant
     * @param work the work
     * @return its result
     */
    protected final <R> R write(UUID tenantId, Work<R> work) {
        Tenants.require(tenantId, "JdbcRepository.write");
        Optional<Handle> current = db.currentTransaction();
        if (current.isEmpty()) {
            return db.inTransaction(tenantId, work).value();
        }
        Handle h = current.get();
        if (!h.tenantId().equals(Optional.of(tenantId))) {
            throw new TenantIsolationException(
                    "a write for another tenant cannot run inside this thread's " + "read-write unit of work", null);
        }
        try {
            return work.run(h);
        } catch (SQLException e) {
            throw dev.adxcore.platform.database.internal.SqlErrors.map(e, tenantId, h.target());
        }
    }

    private TenantSql.Select select() {
        return TenantSql.select(mapping.table()).tenantColumn(mapping.tenantColumn());
    }

    private String quotedId() {
        return '"' + mapping.idColumn() + '"';
    }
}
