package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.repository.JdbcRepository;
import dev.adxcore.platform.database.repository.TableMapping;
import dev.adxcore.platform.database.sql.TenantSql;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A null or nil tenant on every public tenant-taking entry point is a TenantNotSetException that says so. */
@PlatformTest(replicas = 0)
class NullTenantTest {

    record Note(@Nullable UUID id, String body) {}

    static final class Notes extends JdbcRepository<Note, UUID> {
        Notes(DatabaseManager db) {
            super(
                    db,
                    TableMapping.<Note, UUID>builder("notes")
                            .id("id", Note::id)
                            .column("body", Note::body)
                            .mapper(r -> new Note(r.getObject("id", UUID.class), r.getString("body")))
                            .build());
        }

        List<Note> byBody(UUID tenant, String body) {
            return findWhere(tenant, "body = ?", body);
        }
    }

    private static final UUID NIL = new UUID(0, 0);
    private static AppDatabase app;
    private static DatabaseManager db;
    private static Notes notes;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        db = DatabaseManager.create(app.config().build());
        notes = new Notes(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Map<String, Consumer<UUID>> entryPoints() {
        Map<String, Consumer<UUID>> m = new LinkedHashMap<>();
        UUID id = UUID.randomUUID();
        m.put("DatabaseManager.inTransaction", t -> db.inTransaction(t, h -> 1));
        m.put("DatabaseManager.read", t -> db.read(t, ReadConsistency.latest(), h -> 1));
        m.put("TenantSql.select(...).build", t -> TenantSql.select("notes").build(t));
        m.put(
                "TenantSql.insert(...).build",
                t -> TenantSql.insert("notes").value("body", "x").build(t));
        m.put(
                "TenantSql.update(...).build",
                t -> TenantSql.update("notes")
                        .set("body", "x")
                        .where("id = ?", id)
                        .build(t));
        m.put(
                "TenantSql.delete(...).build",
                t -> TenantSql.delete("notes").where("id = ?", id).build(t));
        m.put("JdbcRepository.create", t -> notes.create(t, new Note(null, "x")));
        m.put("JdbcRepository.createCommitted", t -> notes.createCommitted(t, new Note(null, "x")));
        m.put("JdbcRepository.findById", t -> notes.findById(t, id));
        m.put("JdbcRepository.list", t -> notes.list(t, 10, 0));
        m.put("JdbcRepository.page", t -> notes.page(t, null, 10));
        m.put("JdbcRepository.count", t -> notes.count(t));
        m.put("JdbcRepository.update", t -> notes.update(t, new Note(id, "x")));
        m.put("JdbcRepository.updateCommitted", t -> notes.updateCommitted(t, new Note(id, "x")));
        m.put("JdbcRepository.delete", t -> notes.delete(t, id));
        m.put("JdbcRepository.deleteCommitted", t -> notes.deleteCommitted(t, id));
        m.put("JdbcRepository.findWhere", t -> notes.byBody(t, "x"));
        return m;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(
                "DatabaseManager.inTransaction",
                "DatabaseManager.read",
                "TenantSql.select(...).build",
                "TenantSql.insert(...).build",
                "TenantSql.update(...).build",
                "TenantSql.delete(...).build",
                "JdbcRepository.create",
                "JdbcRepository.createCommitted",
                "JdbcRepository.findById",
                "JdbcRepository.list",
                "JdbcRepository.page",
                "JdbcRepository.count",
                "JdbcRepository.update",
                "JdbcRepository.updateCommitted",
                "JdbcRepository.delete",
                "JdbcRepository.deleteCommitted",
                "JdbcRepository.findWhere"));
        for (String name : names) {
            for (UUID tenant : Arrays.asList(null, NIL)) {
                out.add(Arguments.of(name, tenant));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with tenant {1}")
    @MethodSource("cases")
    void isRefusedWithAMessageNamingTheEntryPoint(String entryPoint, @Nullable UUID tenant) {
        Consumer<UUID> call = entryPoints().get(entryPoint);
        assertThatThrownBy(() -> call.accept(tenant))
                .isInstanceOf(TenantNotSetException.class)
                .hasMessageStartingWith(entryPoint)
                .hasMessageContaining(tenant == null ? "null" : "nil UUID");
    }
}
