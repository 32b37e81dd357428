package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Units of work without an explicit tenant use the bound PlatformContext's, and carry the commit's token on. */
@PlatformTest(replicas = 1)
class BoundContextTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static AppDatabase app;
    private static DatabaseManager db;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        db = DatabaseManager.create(app.config().build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        app.superuser("DELETE FROM notes", "INSERT INTO notes (tenant_id, body) VALUES ('" + B + "', 'b1')");
    }

    private static PlatformContext tenant(UUID tenant) {
        return PlatformContext.builder()
                .tenantId(tenant)
                .userId("alice")
                .correlationId("corr-1")
                .build();
    }

    @Test
    void aUnitWithoutAnExplicitTenantWritesAndReadsAsTheBoundTenant() {
        try (PlatformContext.Scope ignored = tenant(A).bind()) {
            db.inTransaction(h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'a1')", A));
            List<String> bodies =
                    db.read(ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
            assertThat(bodies).containsExactly("a1");
        }
        List<String> others =
                db.read(B, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        assertThat(others).containsExactly("b1");
    }

    @Test
    void withoutABoundTenantTheUnitIsRefusedWithAMessageSayingWhatToDo() {
        assertThatThrownBy(() -> db.inTransaction(h -> h.update("DELETE FROM notes")))
                .isInstanceOf(TenantNotSetException.class)
                .hasMessageContaining("no PlatformContext is bound")
                .hasMessageContaining("WithoutTenant");
        try (PlatformContext.Scope ignored =
                PlatformContext.builder().correlationId("c").build().bind()) {
            assertThatThrownBy(() -> db.read(ReadConsistency.latest(), h -> h.query("SELECT 1", r -> r.getInt(1))))
                    .isInstanceOf(TenantNotSetException.class)
                    .hasMessageContaining("has none");
        }
    }

    @Test
    void theCommitsCausalTokenTravelsWithTheBoundContextAndReadYourWritesWaitsForIt() {
        try (PlatformContext.Scope ignored = tenant(A).bind()) {
            assertThat(ReadConsistency.readYourWrites().resolved()).isEqualTo(ReadConsistency.replica());
            Committed<Integer> written =
                    db.inTransaction(h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'a2')", A));
            assertThat(PlatformContext.require().causalToken())
                    .contains(written.token().toString());
            assertThat(PlatformContext.require().userId()).contains("alice");
            ReadConsistency resolved = ReadConsistency.readYourWrites().resolved();
            assertThat(resolved.kind()).isEqualTo(ReadConsistency.Kind.CAUSAL);
            assertThat(resolved.token()).contains(written.token());
            // Routed to a replica that has the write, or the primary: the row is always there.
            List<String> mine = db.read(
                    ReadConsistency.readYourWrites(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
            assertThat(mine).containsExactly("a2");
        }
        assertThat(PlatformContext.current())
                .as("the scope restored the thread")
                .isEmpty();
    }

    @Test
    void aTokenFromOutsideThatIsNoWalPositionMakesReadYourWritesUseThePrimary() {
        PlatformContext odd =
                tenant(A).toBuilder().causalToken("not-a-wal-position").build();
        try (PlatformContext.Scope ignored = odd.bind()) {
            assertThat(ReadConsistency.readYourWrites().resolved()).isEqualTo(ReadConsistency.latest());
        }
    }

    @Test
    void repositoryOverloadsWithoutATenantUseTheBoundOne() {
        var notes = new dev.adxcore.platform.database.repository.JdbcRepository<String, UUID>(
                db,
                dev.adxcore.platform.database.repository.TableMapping.<String, UUID>builder("notes")
                        .id("id", s -> null)
                        .column("body", s -> s)
                        .mapper(r -> r.getString("body"))
                        .build()) {};
        try (PlatformContext.Scope ignored = tenant(A).bind()) {
            notes.create("a3");
            assertThat(notes.count()).isEqualTo(1);
            assertThat(notes.list(10, 0)).containsExactly("a3");
        }
        assertThatThrownBy(notes::count).isInstanceOf(TenantNotSetException.class);
    }

    @Test
    void afterCommitActionsRunOnlyOnceTheUnitCommittedAndSeeTheCommittedRow() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        db.inTransaction(A, h -> {
            h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'after')", A);
            h.afterCommit(() -> seen.add("first"));
            h.afterCommit(() -> {
                throw new IllegalStateException("a failing action");
            });
            // runs after the commit, off the unit: a new unit on this thread sees the row
            h.afterCommit(() -> seen.addAll(db.read(
                    A,
                    ReadConsistency.latest(),
                    r -> r.query("SELECT body FROM notes WHERE body = 'after'", x -> x.getString(1)))));
            assertThat(seen).isEmpty();
            return null;
        });
        assertThat(seen).containsExactly("first", "after");

        seen.clear();
        assertThatThrownBy(() -> db.inTransaction(A, h -> {
                    h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'rolled-back')", A);
                    h.afterCommit(() -> seen.add("never"));
                    throw new IllegalStateException("business rule");
                }))
                .hasMessage("business rule");
        assertThat(seen).isEmpty();

        assertThatThrownBy(() -> db.read(A, ReadConsistency.latest(), h -> {
                    h.afterCommit(() -> seen.add("never"));
                    return null;
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-write unit");
        assertThat(seen).isEmpty();
    }

    @Test
    void statementsDeferredToTheCommitCommitWithTheUnitAndFailItWhenTheyFail() {
        db.inTransaction(A, h -> {
            h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'now')", A);
            h.updateAtCommit("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "at-commit");
            // not sent yet: invisible even to this unit
            assertThat(h.query("SELECT body FROM notes WHERE body = 'at-commit'", r -> r.getString(1)))
                    .isEmpty();
            return null;
        });
        assertThat(bodiesOf(A)).contains("now", "at-commit");

        // a unit whose only statements are deferred still runs them as its tenant
        db.inTransaction(A, h -> {
            for (int i = 0; i < 70; i++) { // more than one group
                h.updateAtCommit("INSERT INTO notes (tenant_id, body) VALUES (?, ?)", A, "deferred-" + i);
            }
            return null;
        });
        assertThat(bodiesOf(A).stream().filter(b -> b.startsWith("deferred-"))).hasSize(70);

        // a deferred statement that fails (row-level security refuses tenant B's row in A's unit) fails the unit:
        // nothing of it commits
        assertThatThrownBy(() -> db.inTransaction(A, h -> {
                    h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'before-failure')", A);
                    h.updateAtCommit("INSERT INTO notes (tenant_id, body) VALUES (?, 'other-tenant')", B);
                    return null;
                }))
                .isInstanceOf(DatabaseException.class);
        assertThat(bodiesOf(A)).doesNotContain("before-failure");
        assertThat(bodiesOf(B)).doesNotContain("other-tenant");

        assertThatThrownBy(() -> db.read(A, ReadConsistency.latest(), h -> {
                    h.updateAtCommit("DELETE FROM notes");
                    return null;
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-write unit");
    }

    private static List<String> bodiesOf(UUID tenant) {
        return db.read(tenant, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
    }
}
