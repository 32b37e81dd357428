package dev.adxcore.platform.examples.tenantservice;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user of one tenant, as stored in the {@code users} table. The tenant is not part of the value: every
 * read and write is scoped to the caller's tenant. Immutable.
 *
 * @param id the id; null before the database generated it
 * @param email the e-mail address, lower case, unique within the tenant
 * @param displayName the name shown to others
 * @param status {@code pending} until onboarding activates the user, then {@code active}
 * @param version the optimistic-locking version; null before the first insert
 * @param createdAt when the user was created; null before the first insert
 * @param updatedAt when the user was last changed
 * @since 0.1.0
 */
public record User(
        @Nullable UUID id,
        String email,
        String displayName,
        String status,
        @Nullable Long version,
        @Nullable OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /** The status of a user whose onboarding has not completed. */
    public static final String PENDING = "pending";
    /** The status of an onboarded user. */
    public static final String ACTIVE = "active";

    /**
     * Checks the required components.
     *
     * @param id the id
     * @param email the e-mail address
     * @param displayName the display name
     * @param status the status
     * @param version the version
     * @param createdAt the creation time
     * @param updatedAt the last change
     */
    public User {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
