package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.repository.JdbcRepository;
import dev.adxcore.platform.database.repository.TableMapping;
import dev.adxcore.platform.examples.tenantservice.User;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The platform repository of the {@code users} table. Its methods without a tenant act for the tenant of the
 * bound request context; reads outside a read-write unit are {@link ReadConsistency#readYourWrites()}: a
 * replica that has the request's (or the causing event's) write, else any replica. Thread-safe.
 */
public final class UserRepository extends JdbcRepository<User, UUID> {

    static final TableMapping<User, UUID> USERS = TableMapping.<User, UUID>builder("users")
            .id("id", User::id)
            .column("email", User::email)
            .column("display_name", User::displayName)
            .column("status", User::status)
            .column("updated_at", User::updatedAt)
            .version("version", User::version)
            .mapper(row -> new User(
                    row.getObject("id", UUID.class),
                    row.getString("email"),
                    row.getString("display_name"),
                    row.getString("status"),
                    row.getLong("version"),
                    row.getObject("created_at", OffsetDateTime.class),
                    row.getObject("updated_at", OffsetDateTime.class)))
            .build();

    /** @param db the database */
    public UserRepository(DatabaseManager db) {
        super(db, USERS);
    }

    @Override
    protected ReadConsistency readConsistency() {
        return ReadConsistency.readYourWrites();
    }
}
