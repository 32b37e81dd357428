package dev.adxcore.platform.examples.springtenantservice;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user of a tenant, as stored and as answered (Jackson writes the components as the JSON fields).
 *
 * @param id the id, null before creation
 * @param email lower-case e-mail address, unique per tenant
 * @param displayName the display name
 * @param status {@code pending} or {@code active}
 * @param version optimistic-locking version, null before creation
 * @param createdAt creation time, null before creation
 * @param updatedAt last change
 */
public record User(
        @Nullable UUID id,
        String email,
        String displayName,
        String status,
        @Nullable Long version,
        @Nullable OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {}
