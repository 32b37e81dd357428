package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.sql.TenantSql;
import dev.adxcore.platform.database.sql.TenantStatement;
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

/** Attempts to read or write another tenant's rows find or change nothing. */
@PlatformTest(replicas = 0)
class TenantIsolationTest {

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
        app.superuser(
                "DELETE FROM notes",
                "INSERT INTO notes (tenant_id, body) VALUES " + "('" + A + "', 'a1'), ('" + A + "', 'a2'), ('" + B
                        + "', 'b1')");
    }

    private static List<String> bodiesAsSuperuser(UUID tenant) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (var c = app.pg.openPrimary();
                var ps = c.prepareStatement("SELECT body FROM notes WHERE tenant_id = ? ORDER BY body")) {
            ps.setObject(1, tenant);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void builderConditionWithOrOneEqualsOneFindsOnlyTheTenantsRows() {
        TenantStatement q = TenantSql.select("notes")
                .columns("body")
                .where("body = ? OR 1 = 1", "b1")
                .orderBy("body")
                .build(A);
        List<String> bodies = db.read(A, ReadConsistency.latest(), h -> h.query(q, r -> r.getString(1)));
        assertThat(bodies).containsExactly("a1", "a2");
    }

    @Test
    void rawSqlWithoutATenantFilterSeesOnlyTheUnitsTenant() {
        List<String> read = db.read(
                A, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes ORDER BY body", r -> r.getString(1)));
        List<String> inWrite = db.inTransaction(B, h -> h.query("SELECT body FROM notes", r -> r.getString(1)))
                .value();
        assertThat(read).containsExactly("a1", "a2");
        assertThat(inWrite).containsExactly("b1");
    }

    @Test
    void updateWhereTrueChangesOnlyTheTenantsRows() throws SQLException {
        int changed = db.inTransaction(A, h -> h.update("UPDATE notes SET body = 'hacked' WHERE true"))
                .value();
        assertThat(changed).isEqualTo(2);
        assertThat(bodiesAsSuperuser(B)).containsExactly("b1");
    }

    @Test
    void deleteWithoutConditionDeletesOnlyTheTenantsRows() throws SQLException {
        db.inTransaction(B, h -> h.update("DELETE FROM notes"));
        assertThat(bodiesAsSuperuser(B)).isEmpty();
        assertThat(bodiesAsSuperuser(A)).containsExactly("a1", "a2");
    }

    @Test
    void builderDeleteWithOrOneEqualsOneDeletesOnlyTheTenantsRows() throws SQLException {
        TenantStatement delete =
                TenantSql.delete("notes").where("body = ? OR 1 = 1", "a1").build(B);
        int deleted = db.inTransaction(B, h -> h.update(delete)).value();
        assertThat(deleted).isEqualTo(1);
        assertThat(bodiesAsSuperuser(A)).containsExactly("a1", "a2");
    }

    @Test
    void insertingARowForAnotherTenantIsRefused() throws SQLException {
        assertThatThrownBy(() -> db.inTransaction(
                        A, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'planted')", B)))
                .isInstanceOf(TenantIsolationException.class)
                .hasMessageContaining("row-level security");
        assertThat(bodiesAsSuperuser(B)).containsExactly("b1");
    }

    @Test
    void movingARowToAnotherTenantIsRefused() throws SQLException {
        assertThatThrownBy(() -> db.inTransaction(A, h -> h.update("UPDATE notes SET tenant_id = ?", B)))
                .isInstanceOf(TenantIsolationException.class);
        assertThat(bodiesAsSuperuser(A)).containsExactly("a1", "a2");
    }

    @Test
    void unitWithoutATenantSeesNoRowsOfTenantTables() {
        long read = db.readWithoutTenant(
                ReadConsistency.latest(),
                h -> h.queryOne("SELECT count(*) FROM notes", r -> r.getLong(1)).orElseThrow());
        long inWrite = db.inTransactionWithoutTenant(h -> h.queryOne("SELECT count(*) FROM notes", r -> r.getLong(1))
                        .orElseThrow())
                .value();
        assertThat(read).isZero();
        assertThat(inWrite).isZero();
    }

    @Test
    void writeWithoutATenantFailsWithTenantNotSet() {
        assertThatThrownBy(() -> db.inTransactionWithoutTenant(
                        h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A)))
                .isInstanceOf(TenantNotSetException.class);
    }

    @Test
    void rawPoolConnectionsSeeNoTenantRows() throws SQLException {
        try (var c = db.primary().getConnection();
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void statementBuiltForAnotherTenantIsRefusedByTheHandle() {
        TenantStatement forB = TenantSql.select("notes").build(B);
        assertThatThrownBy(() -> db.read(A, ReadConsistency.latest(), h -> h.query(forB, r -> r.getString("body"))))
                .isInstanceOf(TenantIsolationException.class);
    }

    @Test
    void settingTheTenantInsideRawSqlDoesNotOutliveTheStatement() {
        // A crafted statement switches the tenant; RLS applies to later statements of the unit with the
        // switched value only inside this transaction, and the next unit starts clean.
        db.inTransaction(
                A, h -> h.query("SELECT set_config('app.tenant_id', ?, true)", r -> r.getString(1), B.toString()));
        List<String> next = db.read(
                A, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes ORDER BY body", r -> r.getString(1)));
        assertThat(next).containsExactly("a1", "a2");
    }

    @Test
    void readForAnotherTenantInsideAWriteUnitIsRefused() {
        assertThatThrownBy(() -> db.inTransaction(A, h -> db.read(B, ReadConsistency.latest(), inner -> 1)))
                .isInstanceOf(TenantIsolationException.class);
    }
}
