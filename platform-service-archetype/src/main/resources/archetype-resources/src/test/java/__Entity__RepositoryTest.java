package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.impl.${Entity}Repository;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.OptimisticLockException;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The repository against the kit's real PostgreSQL, as the application role, in the bound tenant. */
@PlatformTest(replicas = 0)
class ${Entity}RepositoryTest {

    @Test
    void createsReadsAndUpdatesWithOptimisticLocking(PostgresCluster pg) throws Exception {
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg));
                PlatformContext.Scope ignored = PlatformContext.builder().tenantId(UUID.randomUUID()).build().bind()) {
            ${Entity}Repository repository = new ${Entity}Repository(db);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

            ${Entity} created = db.inTransaction(h -> repository.create(new ${Entity}(null, "first", ${Entity}.PENDING,
                    null, null, now))).value();

            assertThat(created.id()).isNotNull();
            assertThat(created.version()).isZero();
            assertThat(repository.findById(created.id())).hasValueSatisfying(v -> assertThat(v.name()).isEqualTo("first"));

            ${Entity} renamed = db.inTransaction(h -> repository.update(new ${Entity}(created.id(), "renamed",
                    created.status(), created.version(), created.createdAt(), now))).value();
            assertThat(renamed.version()).isEqualTo(1L);

            // A write based on the old version loses: optimistic locking.
            assertThatThrownBy(() -> db.inTransaction(h -> repository.update(new ${Entity}(created.id(), "stale",
                    created.status(), created.version(), created.createdAt(), now))))
                    .isInstanceOf(OptimisticLockException.class);
            assertThat(repository.findById(created.id())).hasValueSatisfying(v -> assertThat(v.name()).isEqualTo("renamed"));
            assertThat(repository.count()).isEqualTo(1L);
        }
    }
}
