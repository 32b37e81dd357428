package ${package};

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A ${entity} of one tenant, as stored in the {@code ${entities}} table. The tenant is not part of the value:
 * every read and write is scoped to the tenant of the bound request context. Immutable.
 *
 * @param id the id; null before the database generated it
 * @param name the name, 1 to 100 characters, unique within the tenant
 * @param status {@code pending} until the activation workflow completes, then {@code active}
 * @param version the optimistic-locking version; null before the first insert
 * @param createdAt when it was created; null before the first insert
 * @param updatedAt when it was last changed
 */
public record ${Entity}(@Nullable UUID id, String name, String status, @Nullable Long version,
        @Nullable OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The status before activation. */
    public static final String PENDING = "pending";
    /** The status after activation. */
    public static final String ACTIVE = "active";

    /**
     * Checks the required components.
     *
     * @param id the id
     * @param name the name
     * @param status the status
     * @param version the version
     * @param createdAt the creation time
     * @param updatedAt the last change
     */
    public ${Entity} {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
