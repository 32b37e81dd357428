package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tenant setting is visible to the statements of its unit and never survives into the next
 * borrower of the pooled connection: one connection in the pool, alternating tenants.
 */
@PlatformTest(replicas = 0)
class TenantSettingLifetimeTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static final String CURRENT = "SELECT current_setting('app.tenant_id', true)";
    private static AppDatabase app;
    private static DatabaseManager db;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        app.superuser("INSERT INTO notes (tenant_id, body) VALUES ('" + A + "', 'a1'), ('" + B + "', 'b1')");
        db = DatabaseManager.create(
                app.config().minConnections(1).maxConnections(1).build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    /** What the next borrower of the single pooled connection sees, and that it is the same backend. */
    private static String leftOnTheConnection() throws SQLException {
        try (Connection c = db.primary().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(CURRENT)) {
            rs.next();
            String value = rs.getString(1);
            return value == null ? "" : value;
        }
    }

    @Test
    void readSeesItsTenantAndTheNextBorrowerSeesNone() throws SQLException {
        String seen = db.read(
                A,
                ReadConsistency.latest(),
                h -> h.queryOne(CURRENT, r -> r.getString(1)).orElseThrow());
        assertThat(seen).isEqualTo(A.toString());
        assertThat(leftOnTheConnection()).isEmpty();
    }

    @ParameterizedTest(name = "prepareThreshold={0}")
    @ValueSource(ints = {-1, 1, 5})
    void serverPreparedReadsKeepTheSettingInsideTheirStatement(int prepareThreshold) throws SQLException {
        try (DatabaseManager prepared = DatabaseManager.create(app.config()
                .name("prepared")
                .minConnections(1)
                .maxConnections(1)
                .driverProperty("prepareThreshold", String.valueOf(prepareThreshold))
                .build())) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                UUID tenant = i % 2 == 0 ? A : B;
                seen.add(prepared.read(
                        tenant,
                        ReadConsistency.latest(),
                        h -> h.queryOne("SELECT body FROM notes", r -> r.getString(1))
                                .orElseThrow()));
                try (Connection c = prepared.primary().getConnection();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery(CURRENT + ", (SELECT count(*) FROM notes)")) {
                    rs.next();
                    assertThat(rs.getString(1)).isNullOrEmpty();
                    assertThat(rs.getLong(2)).isZero();
                }
            }
            assertThat(seen).containsExactly("a1", "b1", "a1", "b1", "a1", "b1", "a1", "b1", "a1", "b1", "a1", "b1");
        }
    }

    @Test
    void readWithANullParameterStillSeesItsTenant() throws SQLException {
        for (int i = 0; i < 8; i++) {
            List<String> bodies = db.read(
                    A,
                    ReadConsistency.latest(),
                    h -> h.query("SELECT body FROM notes WHERE body IS DISTINCT FROM ?", r -> r.getString(1), (Object)
                            null));
            assertThat(bodies).containsExactly("a1");
            assertThat(leftOnTheConnection()).isEmpty();
        }
    }

    @Test
    void untypedStringParametersStillSeeTheirTenant() throws SQLException {
        try (DatabaseManager untyped = DatabaseManager.create(app.config()
                .name("untyped")
                .minConnections(1)
                .maxConnections(1)
                .driverProperty("stringtype", "unspecified")
                .driverProperty("prepareThreshold", "1")
                .build())) {
            for (int i = 0; i < 8; i++) {
                List<String> bodies = untyped.read(
                        B,
                        ReadConsistency.latest(),
                        h -> h.query("SELECT body FROM notes WHERE body <> ?", r -> r.getString(1), "zzz"));
                assertThat(bodies).containsExactly("b1");
            }
        }
    }

    @Test
    void failedReadInTheExplicitTransactionFormLeavesNoSettingBehind() {
        assertThatThrownBy(() -> db.read(
                        A,
                        ReadConsistency.latest(),
                        h -> h.query("SELECT 1 / 0 WHERE ?::text IS NULL", r -> r.getInt(1), (Object) null)))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("22012");
        assertThat(tryLeft()).isEmpty();
        List<String> bodies =
                db.read(B, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        assertThat(bodies).containsExactly("b1");
    }

    @Test
    void failedReadLeavesNoSettingBehind() {
        assertThatThrownBy(() -> db.read(A, ReadConsistency.latest(), h -> h.query("SELECT 1 / 0", r -> r.getInt(1))))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("22012");
        assertThat(tryLeft()).isEmpty();
    }

    @Test
    void rolledBackWriteLeavesNoSettingBehind() {
        assertThatThrownBy(() -> db.inTransaction(A, h -> {
                    h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'doomed')", A);
                    throw new IllegalStateException("business rule failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(tryLeft()).isEmpty();
        List<String> bodies =
                db.read(A, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        assertThat(bodies).containsExactly("a1");
    }

    @Test
    void committedWriteLeavesNoSettingBehind() {
        Committed<String> seen = db.inTransaction(B, h -> {
            h.update("UPDATE notes SET body = body WHERE true");
            return h.queryOne(CURRENT, r -> r.getString(1)).orElseThrow();
        });
        assertThat(seen.value()).isEqualTo(B.toString());
        assertThat(tryLeft()).isEmpty();
    }

    @Test
    void failedStatementInsideAWriteLeavesNoSettingBehind() {
        assertThatThrownBy(() ->
                        db.inTransaction(A, h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, NULL)", A)))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("23502");
        assertThat(tryLeft()).isEmpty();
    }

    @Test
    void rawConnectionOfAReadHasTheTenantUntilTheUnitEnds() throws SQLException {
        List<String> bodies = db.read(A, ReadConsistency.latest(), h -> {
            List<String> out = new ArrayList<>();
            try (Statement st = h.connection().createStatement();
                    ResultSet rs = st.executeQuery("SELECT body FROM notes")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        assertThat(bodies).containsExactly("a1");
        assertThat(leftOnTheConnection()).isEmpty();
    }

    @Test
    void alternatingTenantsOnOneConnectionNeverSeeEachOther() throws SQLException {
        for (int i = 0; i < 20; i++) {
            UUID tenant = i % 2 == 0 ? A : B;
            String expected = i % 2 == 0 ? "a1" : "b1";
            switch (i % 4) {
                case 0 ->
                    assertThatThrownBy(
                                    () -> db.read(tenant, ReadConsistency.latest(), h -> h.query("SELECT x", r -> 1)))
                            .isInstanceOf(DatabaseException.class);
                case 1 ->
                    assertThatThrownBy(() -> db.inTransaction(tenant, h -> {
                                h.update("UPDATE notes SET body = body");
                                throw new IllegalArgumentException("rollback");
                            }))
                            .isInstanceOf(IllegalArgumentException.class);
                default -> {}
            }
            List<String> read = db.read(
                    tenant, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
            assertThat(read).containsExactly(expected);
            Committed<List<String>> written =
                    db.inTransaction(tenant, h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
            assertThat(written.value()).containsExactly(expected);
            assertThat(leftOnTheConnection()).isEmpty();
        }
    }

    @Test
    void readOnlyUnitRefusesWritesEvenHiddenInAQuery() {
        assertThatThrownBy(() -> db.read(
                        A,
                        ReadConsistency.latest(),
                        h -> h.query(
                                "WITH d AS (DELETE FROM notes RETURNING id) SELECT count(*) FROM d",
                                r -> r.getLong(1))))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("25006");
        assertThatThrownBy(() -> db.read(A, ReadConsistency.latest(), h -> h.update("DELETE FROM notes")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-only");
    }

    private static String tryLeft() {
        try {
            return leftOnTheConnection();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
