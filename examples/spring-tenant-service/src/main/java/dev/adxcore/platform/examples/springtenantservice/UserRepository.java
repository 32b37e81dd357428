package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.repository.JdbcRepository;
import dev.adxcore.platform.database.repository.TableMapping;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The {@code users} table through the platform repository, reading with the consistency a request accepts. */
final class UserRepository extends JdbcRepository<User, UUID> {

    private static final TableMapping<User, UUID> USERS = TableMapping.<User, UUID>builder("users")
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

    private final ReadConsistency consistency;

    UserRepository(DatabaseManager db, ReadConsistency consistency) {
        super(db, USERS);
        this.consistency = consistency;
    }

    @Override
    protected ReadConsistency readConsistency() {
        return consistency;
    }
}
