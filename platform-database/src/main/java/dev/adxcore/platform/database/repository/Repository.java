package dev.adxcore.platform.database.repository;

import dev.adxcore.platform.database.DatabaseManager;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Tenant-scoped access to one kind of entity. Every method acts only on the rows of the given tenant:
 * other tenants' rows are invisible (they count as missing). Each method has an overload without the
 * tenant that uses the tenant of the bound {@link dev.adxcore.platform.core.PlatformContext} and throws
 * {@link dev.adxcore.platform.database.TenantNotSetException} when none is bound. Implementations map SQL failures to
 * {@link dev.adxcore.platform.database.DatabaseException} subclasses. See {@link JdbcRepository} for the
 * JDBC base class.
 *
 * <p>Implementations are thread-safe and hold no connection; each call costs a unit of work (a pooled connection
 * and usually one round trip), or joins the read-write unit already running on the thread.
 *
 * @param <T> the entity type
 * @param <ID> the identifier type
 * @since 0.1.0
 */
public interface Repository<T, ID> {

    /**
     * Inserts an entity for the tenant.
     *
     * @param tenantId the owning tenant
     * @param entity the entity; a {@code null} id or version is left to the column's default
     * @return the entity as stored (generated id, defaults, version)
     * @throws dev.adxcore.platform.database.DuplicateKeyException when the key exists
     * @throws dev.adxcore.platform.database.ForeignKeyViolationException when a reference is missing
     */
    T create(UUID tenantId, T entity);

    /**
     * Finds one entity of the tenant.
     *
     * @param tenantId the tenant
     * @param id the identifier
     * @return the entity, or empty when the tenant has none with this id
     */
    Optional<T> findById(UUID tenantId, ID id);

    /**
     * Lists the tenant's entities ordered by id.
     *
     * @param tenantId the tenant
     * @param limit at most this many, at least 0
     * @param offset skipping this many, at least 0
     * @return the entities
     * @throws IllegalArgumentException when limit or offset is negative
     */
    List<T> list(UUID tenantId, int limit, int offset);

    /**
     * Lists the tenant's entities after a key, ordered by id (keyset pagination: stable and fast at any depth).
     *
     * @param tenantId the tenant
     * @param after the last id of the previous page, or {@code null} for the first page
     * @param limit the page size, at least 1
     * @return the page and the key of the next one
     * @throws IllegalArgumentException when limit is less than 1
     */
    Page<T, ID> page(UUID tenantId, @Nullable ID after, int limit);

    /**
     * Counts the tenant's entities.
     *
     * @param tenantId the tenant
     * @return the count
     */
    long count(UUID tenantId);

    /**
     * Updates an entity of the tenant (with a version column: only if the version still matches,
     * and the stored version is incremented).
     *
     * @param tenantId the tenant
     * @param entity the new state, carrying its id (and version)
     * @return the entity as stored
     * @throws dev.adxcore.platform.database.NotFoundException when the tenant has no such entity
     * @throws dev.adxcore.platform.database.OptimisticLockException when the version is stale
     */
    T update(UUID tenantId, T entity);

    /**
     * Deletes an entity of the tenant.
     *
     * @param tenantId the tenant
     * @param id the identifier
     * @return true when a row was deleted, false when the tenant had none with this id
     * @throws dev.adxcore.platform.database.ForeignKeyViolationException when other rows still reference it
     */
    boolean delete(UUID tenantId, ID id);
    /**
     * {@link #create(UUID, Object)} for the bound context's tenant.
     *
     * @param entity the entity
     * @return the entity as stored
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default T create(T entity) {
        return create(DatabaseManager.boundTenant("Repository.create"), entity);
    }

    /**
     * {@link #findById(UUID, Object)} for the bound context's tenant.
     *
     * @param id the identifier
     * @return the entity, or empty
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default Optional<T> findById(ID id) {
        return findById(DatabaseManager.boundTenant("Repository.findById"), id);
    }

    /**
     * {@link #list(UUID, int, int)} for the bound context's tenant.
     *
     * @param limit at most this many
     * @param offset skipping this many
     * @return the entities
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default List<T> list(int limit, int offset) {
        return list(DatabaseManager.boundTenant("Repository.list"), limit, offset);
    }

    /**
     * {@link #page(UUID, Object, int)} for the bound context's tenant.
     *
     * @param after the last id of the previous page, or {@code null}
     * @param limit the page size
     * @return the page
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default Page<T, ID> page(@Nullable ID after, int limit) {
        return page(DatabaseManager.boundTenant("Repository.page"), after, limit);
    }

    /**
     * {@link #count(UUID)} for the bound context's tenant.
     *
     * @return the count
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default long count() {
        return count(DatabaseManager.boundTenant("Repository.count"));
    }

    /**
     * {@link #update(UUID, Object)} for the bound context's tenant.
     *
     * @param entity the new state
     * @return the entity as stored
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default T update(T entity) {
        return update(DatabaseManager.boundTenant("Repository.update"), entity);
    }

    /**
     * {@link #delete(UUID, Object)} for the bound context's tenant.
     *
     * @param id the identifier
     * @return true when a row was deleted
     * @throws dev.adxcore.platform.database.TenantNotSetException when no context with a tenant is bound
     */
    default boolean delete(ID id) {
        return delete(DatabaseManager.boundTenant("Repository.delete"), id);
    }
}
