package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.impl.${Entity}Repository;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Row-level security keeps each tenant to its own rows, whatever the code asks for. */
@PlatformTest(replicas = 0)
class TenantIsolationTest {

    @Test
    void anotherTenantCannotSeeChangeOrDeleteARow(PostgresCluster pg) throws Exception {
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg))) {
            ${Entity}Repository repository = new ${Entity}Repository(db);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            ${Entity} mine;
            try (PlatformContext.Scope ignored = tenant()) {
                mine = db.inTransaction(h -> repository.create(new ${Entity}(null, "shared-name", ${Entity}.PENDING,
                        null, null, now))).value();
            }

            try (PlatformContext.Scope ignored = tenant()) {
                assertThat(repository.findById(mine.id())).isEmpty();
                assertThat(repository.count()).isZero();
                assertThatThrownBy(() -> db.inTransaction(h -> repository.update(new ${Entity}(mine.id(), "taken over",
                        mine.status(), mine.version(), mine.createdAt(), now))))
                        .isInstanceOf(NotFoundException.class);
                db.inTransaction(h -> repository.delete(mine.id()));
                // Names are unique per tenant only.
                db.inTransaction(h -> repository.create(new ${Entity}(null, "shared-name", ${Entity}.PENDING, null, null, now)));
            }

            try (Connection owner = pg.openPrimary(); Statement st = owner.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE name = 'shared-name'), "
                            + "bool_and(c.relrowsecurity AND c.relforcerowsecurity) FROM ${entities}, pg_class c "
                            + "WHERE c.relname = '${entities}' AND ${entities}.id = '" + mine.id() + "'")) {
                // The superuser bypasses row-level security: the row is still there, unchanged.
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1L);
                assertThat(rs.getBoolean(2)).as("ENABLE + FORCE ROW LEVEL SECURITY on ${entities}").isTrue();
            }
        }
    }

    @Test
    void noBoundTenantMeansNoRows(PostgresCluster pg) throws Exception {
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg))) {
            ${Entity}Repository repository = new ${Entity}Repository(db);
            assertThatThrownBy(repository::count).isInstanceOf(RuntimeException.class);
        }
    }

    private static PlatformContext.Scope tenant() {
        return PlatformContext.builder().tenantId(UUID.randomUUID()).userId("tester").build().bind();
    }
}
