package dev.adxcore.platform.database.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.Committed;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repositories fit read-your-writes: a write's causal token, per-view read consistency, and
 * database-managed columns read back with RETURNING. Replay on the replica is paused with the kit's
 * helper, so a replica read really misses the write.
 */
@PlatformTest(replicas = 1, isolatedServers = true)
class RepositoryConsistencyTest {

    record Note(
            @Nullable UUID id,
            String body,
            @Nullable Long version,
            @Nullable OffsetDateTime createdAt) {}

    static final class NoteRepository extends JdbcRepository<Note, UUID> {
        NoteRepository(DatabaseManager db) {
            super(
                    db,
                    TableMapping.<Note, UUID>builder("notes")
                            .id("id", Note::id)
                            .column("body", Note::body)
                            .version("version", Note::version)
                            .managed("created_at")
                            .mapper(r -> new Note(
                                    r.getObject("id", UUID.class),
                                    r.getString("body"),
                                    r.getLong("version"),
                                    r.getObject("created_at", OffsetDateTime.class)))
                            .build());
        }
    }

    private static final UUID A = UUID.randomUUID();
    private static AppDatabase app;
    private static DatabaseManager db;
    private static NoteRepository notes;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        db = DatabaseManager.create(
                app.config().maxReplicaLag(Duration.ofSeconds(30)).build());
        notes = new NoteRepository(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @AfterEach
    void resume() throws SQLException {
        app.pg.resumeReplay(0);
    }

    @Test
    void managedColumnsAreNotWrittenAndComeBackFromTheWrite() {
        Note created = notes.create(A, new Note(null, "hello", null, null));
        assertThat(created.createdAt()).isNotNull();
        Note updated = notes.update(
                A,
                new Note(
                        created.id(),
                        "changed",
                        created.version(),
                        OffsetDateTime.now().minusYears(5)));
        assertThat(updated.createdAt()).isEqualTo(created.createdAt());
        assertThat(updated.version()).isEqualTo(1L);
    }

    @Test
    void aCommittedWriteHandsOutItsTokenAndACausalViewReadsIt() throws SQLException {
        app.pg.awaitReplication();
        app.pg.pauseReplay(0);
        Committed<Note> created = notes.createCommitted(A, new Note(null, "mine", null, null));
        assertThat(created.token().toString()).matches("[0-9A-F]+/[0-9A-F]+");
        // the replica has not replayed the write: a plain replica view misses it, a causal one does not
        assertThat(notes.withConsistency(ReadConsistency.replica())
                        .findById(A, created.value().id()))
                .isEmpty();
        assertThat(notes.withConsistency(ReadConsistency.causal(created.token()))
                        .findById(A, created.value().id()))
                .contains(created.value());
        app.pg.resumeReplay(0);
        app.pg.awaitReplication();
        assertThat(notes.withConsistency(ReadConsistency.replica())
                        .findById(A, created.value().id()))
                .contains(created.value());
    }

    @Test
    void updateAndDeleteHandOutTokensToo() {
        Note created = notes.create(A, new Note(null, "x", null, null));
        Committed<Note> updated = notes.updateCommitted(A, new Note(created.id(), "y", created.version(), null));
        Committed<Boolean> deleted = notes.deleteCommitted(A, created.id());
        assertThat(updated.value().body()).isEqualTo("y");
        assertThat(deleted.value()).isTrue();
        assertThat(Long.compareUnsigned(deleted.token().lsn(), updated.token().lsn()))
                .isPositive();
    }

    @Test
    void committedVariantsRefuseToRunInsideAnotherUnit() {
        assertThatThrownBy(() -> db.inTransaction(A, h -> notes.createCommitted(A, new Note(null, "n", null, null))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("createCommitted");
    }
}
