package ${package}.impl;

import ${package}.${Entity};
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.repository.JdbcRepository;
import dev.adxcore.platform.database.repository.TableMapping;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The platform repository of the {@code ${entities}} table. Its methods without a tenant act for the tenant of
 * the bound request context; reads outside a read-write unit are {@link ReadConsistency#readYourWrites()}: a
 * replica that has the request's (or the causing event's) write, else the primary. Thread-safe.
 */
public final class ${Entity}Repository extends JdbcRepository<${Entity}, UUID> {

    static final TableMapping<${Entity}, UUID> TABLE = TableMapping.<${Entity}, UUID>builder("${entities}")
            .id("id", ${Entity}::id)
            .column("name", ${Entity}::name)
            .column("status", ${Entity}::status)
            .column("updated_at", ${Entity}::updatedAt)
            .version("version", ${Entity}::version)
            .mapper(row -> new ${Entity}(row.getObject("id", UUID.class), row.getString("name"),
                    row.getString("status"), row.getLong("version"),
                    row.getObject("created_at", OffsetDateTime.class),
                    row.getObject("updated_at", OffsetDateTime.class)))
            .build();

    /** @param db the database */
    public ${Entity}Repository(DatabaseManager db) {
        super(db, TABLE);
    }

    @Override
    protected ReadConsistency readConsistency() {
        return ReadConsistency.readYourWrites();
    }
}
