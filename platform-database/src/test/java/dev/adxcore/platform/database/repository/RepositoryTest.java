package dev.adxcore.platform.database.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.DuplicateKeyException;
import dev.adxcore.platform.database.ForeignKeyViolationException;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.database.OptimisticLockException;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PlatformTest(replicas = 0)
class RepositoryTest {

    record Note(
            @Nullable UUID id,
            @Nullable UUID customerId,
            String body,
            @Nullable Long version) {}

    /** What a product team writes: the mapping and nothing else. */
    static final class NoteRepository extends JdbcRepository<Note, UUID> {
        NoteRepository(DatabaseManager db) {
            super(
                    db,
                    TableMapping.<Note, UUID>builder("notes")
                            .id("id", Note::id)
                            .column("customer_id", Note::customerId)
                            .column("body", Note::body)
                            .version("version", Note::version)
                            .mapper(r -> new Note(
                                    r.getObject("id", UUID.class),
                                    r.getObject("customer_id", UUID.class),
                                    r.getString("body"),
                                    r.getLong("version")))
                            .build());
        }

        List<Note> withBody(UUID tenant, String body) {
            return findWhere(tenant, "body = ?", body);
        }
    }

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static AppDatabase app;
    private static DatabaseManager db;
    private static NoteRepository notes;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        db = DatabaseManager.create(app.config().build());
        notes = new NoteRepository(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        app.superuser("DELETE FROM notes", "DELETE FROM customers");
    }

    @Test
    void createdEntityComesBackWithGeneratedIdAndVersion() {
        Note created = notes.create(A, new Note(null, null, "hello", null));
        assertThat(created.id()).isNotNull();
        assertThat(created.version()).isZero();
        assertThat(notes.findById(A, created.id())).contains(created);
    }

    @Test
    void anotherTenantsEntityIsInvisibleUnchangeableAndUndeletable() throws SQLException {
        Note theirs = notes.create(B, new Note(null, null, "secret", null));
        assertThat(notes.findById(A, theirs.id())).isEmpty();
        assertThatThrownBy(() -> notes.update(A, new Note(theirs.id(), null, "stolen", theirs.version())))
                .isInstanceOf(NotFoundException.class);
        assertThat(notes.delete(A, theirs.id())).isFalse();
        assertThat(notes.count(A)).isZero();
        assertThat(notes.findById(B, theirs.id())).contains(theirs);
    }

    @Test
    void listAndCountSeeOnlyTheTenantsEntitiesInIdOrder() {
        for (int i = 0; i < 5; i++) {
            notes.create(A, new Note(null, null, "a" + i, null));
        }
        notes.create(B, new Note(null, null, "b", null));
        List<Note> page = notes.list(A, 2, 1);
        List<Note> all = notes.list(A, 10, 0);
        assertThat(notes.count(A)).isEqualTo(5);
        assertThat(all).extracting(n -> n.id().toString()).isSorted();
        assertThat(page).containsExactly(all.get(1), all.get(2));
    }

    @Test
    void keysetPagesWalkEveryEntityOnce() {
        for (int i = 0; i < 7; i++) {
            notes.create(A, new Note(null, null, "n" + i, null));
        }
        List<Note> seen = new ArrayList<>();
        UUID after = null;
        int pages = 0;
        do {
            Page<Note, UUID> page = notes.page(A, after, 3);
            seen.addAll(page.items());
            after = page.next().orElse(null);
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(notes.list(A, 100, 0));
    }

    @Test
    void updateWithCurrentVersionIncrementsIt() {
        Note created = notes.create(A, new Note(null, null, "v0", null));
        Note updated = notes.update(A, new Note(created.id(), null, "v1", created.version()));
        assertThat(updated.body()).isEqualTo("v1");
        assertThat(updated.version()).isEqualTo(1L);
    }

    @Test
    void updateWithStaleVersionFailsWithOptimisticLock() {
        Note created = notes.create(A, new Note(null, null, "v0", null));
        notes.update(A, new Note(created.id(), null, "first writer", created.version()));
        assertThatThrownBy(() -> notes.update(A, new Note(created.id(), null, "second writer", created.version())))
                .isInstanceOf(OptimisticLockException.class)
                .hasMessageContaining("changed by someone else");
        assertThat(notes.findById(A, created.id()).orElseThrow().body()).isEqualTo("first writer");
    }

    @Test
    void duplicateIdFailsWithDuplicateKey() {
        Note created = notes.create(A, new Note(null, null, "x", null));
        assertThatThrownBy(() -> notes.create(A, new Note(created.id(), null, "again", null)))
                .isInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("notes_pkey");
    }

    @Test
    void referenceToAMissingRowFailsWithForeignKeyViolation() {
        assertThatThrownBy(() -> notes.create(A, new Note(null, UUID.randomUUID(), "orphan", null)))
                .isInstanceOf(ForeignKeyViolationException.class)
                .hasMessageContaining("notes_customer_id_fkey");
    }

    @Test
    void updateOfAMissingEntityFailsWithNotFound() {
        assertThatThrownBy(() -> notes.update(A, new Note(UUID.randomUUID(), null, "ghost", 0L)))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void repositoryCallsInsideAUnitOfWorkShareItsTransaction() {
        assertThatThrownBy(() -> db.inTransaction(A, h -> {
                    notes.create(A, new Note(null, null, "rolled back", null));
                    assertThat(notes.count(A)).isEqualTo(1);
                    throw new IllegalStateException("abort");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(notes.count(A)).isZero();
    }

    @Test
    void subclassFindersAreTenantScoped() {
        notes.create(A, new Note(null, null, "same", null));
        notes.create(B, new Note(null, null, "same", null));
        assertThat(notes.withBody(A, "same")).hasSize(1);
    }
}
