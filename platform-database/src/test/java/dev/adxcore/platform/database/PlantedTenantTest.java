package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.database.sql.TenantSql;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attacks of issue 12: SQL run by tenant B plants B at session level on the only pooled
 * connection — {@code app.tenant_id} and, as the strongest attacker would, {@code app.tenant_tx} with
 * its own transaction's identity — through every path a unit offers, on every exit path; then every
 * kind of borrower uses that connection. None may see or change B's rows. Each driver mode that splits
 * the one-round-trip form runs the whole matrix.
 */
@PlatformTest(replicas = 0)
class PlantedTenantTest {

    static final UUID A = UUID.randomUUID();
    static final UUID B = UUID.randomUUID();
    static final UUID C = UUID.randomUUID();

    /** Plants B (and its transaction's identity) at session level: what an attacker inside a unit would run. */
    static final String PLANT = "SELECT set_config('app.tenant_id', '" + B + "', false), "
            + "set_config('app.tenant_tx', extract(epoch FROM transaction_timestamp())::text, false)";

    static final String SET_PLANT = "SET app.tenant_id = '" + B + "'";

    /** The driver settings of the matrix: each one that changes how pgjdbc sends the read's statements. */
    static final Map<String, Map<String, String>> MODES = new LinkedHashMap<>();

    static {
        MODES.put("default", Map.of());
        MODES.put("preferQueryMode=simple", Map.of("preferQueryMode", "simple"));
        MODES.put("preferQueryMode=extendedForPrepared", Map.of("preferQueryMode", "extendedForPrepared"));
        MODES.put("preferQueryMode=extendedCacheEverything", Map.of("preferQueryMode", "extendedCacheEverything"));
        MODES.put("prepareThreshold=-1", Map.of("prepareThreshold", "-1"));
        MODES.put("prepareThreshold=0", Map.of("prepareThreshold", "0"));
        MODES.put("prepareThreshold=1", Map.of("prepareThreshold", "1"));
        MODES.put("stringtype=unspecified", Map.of("stringtype", "unspecified"));
        MODES.put("binaryTransfer=false", Map.of("binaryTransfer", "false"));
        if (AppDatabase.VIA_PGBOUNCER) {
            // PgBouncer before 1.21 in transaction mode has no named prepared statements: these modes use them
            MODES.remove("prepareThreshold=-1");
            MODES.remove("prepareThreshold=1");
            MODES.remove("preferQueryMode=extendedCacheEverything");
        }
    }

    private static AppDatabase app;
    private static final Map<String, DatabaseManager> MANAGERS = new LinkedHashMap<>();

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        for (Map.Entry<String, Map<String, String>> mode : MODES.entrySet()) {
            DatabaseConfig.Builder b =
                    app.config().name("planted").minConnections(1).maxConnections(1);
            mode.getValue().forEach(b::driverProperty);
            MANAGERS.put(mode.getKey(), DatabaseManager.create(b.build()));
        }
    }

    @AfterAll
    static void tearDown() {
        MANAGERS.values().forEach(DatabaseManager::close);
    }

    @BeforeEach
    void rows() throws SQLException {
        app.superuser(
                "DELETE FROM notes",
                "INSERT INTO notes (tenant_id, body) VALUES " + "('" + A + "', 'a1'), ('" + B + "', 'b1'), ('" + C
                        + "', 'c1')");
    }

    /** A way for SQL of tenant B's unit (or a raw connection) to leave B on the connection. */
    enum Plant {
        READ_WRITE_COMMIT(true) {
            @Override
            void run(DatabaseManager db) {
                db.inTransaction(B, h -> h.query(PLANT, r -> 1));
            }
        },
        READ_WRITE_SET_STATEMENT(true) {
            @Override
            void run(DatabaseManager db) {
                db.inTransaction(B, h -> {
                    h.update(SET_PLANT);
                    return h.query(PLANT, r -> 1);
                });
            }
        },
        READ_WRITE_THEN_EXCEPTION(false) {
            @Override
            void run(DatabaseManager db) {
                assertThatThrownBy(() -> db.inTransaction(B, h -> {
                            h.query(PLANT, r -> 1);
                            throw new IllegalStateException("business rule failed");
                        }))
                        .isInstanceOf(IllegalStateException.class);
            }
        },
        READ_WRITE_THEN_SQL_ERROR(false) {
            @Override
            void run(DatabaseManager db) {
                assertThatThrownBy(() -> db.inTransaction(B, h -> {
                            h.query(PLANT, r -> 1);
                            return h.query("SELECT 1 / 0", r -> 1);
                        }))
                        .isInstanceOf(DatabaseException.class);
            }
        },
        READ_WRITE_MANUAL_COMMIT_THEN_PLANT(true) {
            @Override
            void run(DatabaseManager db) {
                db.inTransaction(B, h -> {
                    Connection c = h.connection();
                    c.commit();
                    try (Statement st = c.createStatement()) {
                        st.execute(PLANT);
                    }
                    return 1;
                });
            }
        },
        READ_WRITE_CONNECTION_BROKEN(false) {
            @Override
            void run(DatabaseManager db) {
                assertThatThrownBy(() -> db.inTransaction(B, h -> {
                            h.query(PLANT, r -> 1);
                            return h.query("SELECT pg_terminate_backend(pg_backend_pid())", r -> 1);
                        }))
                        .isInstanceOf(DatabaseException.class);
            }
        },
        READ_ONLY_STATEMENT(true) {
            @Override
            void run(DatabaseManager db) {
                db.read(B, ReadConsistency.latest(), h -> h.query(PLANT, r -> 1));
            }
        },
        READ_ONLY_THEN_SQL_ERROR(false) {
            @Override
            void run(DatabaseManager db) {
                assertThatThrownBy(() -> db.read(B, ReadConsistency.latest(), h -> h.query(PLANT + ", 1 / 0", r -> 1)))
                        .isInstanceOf(DatabaseException.class);
            }
        },
        READ_ONLY_RAW_CONNECTION(true) {
            @Override
            void run(DatabaseManager db) {
                db.read(B, ReadConsistency.latest(), h -> {
                    try (Statement st = h.connection().createStatement()) {
                        st.execute(PLANT);
                        st.execute(SET_PLANT);
                    }
                    return 1;
                });
            }
        },
        TENANT_LESS_UNIT(true) {
            @Override
            void run(DatabaseManager db) {
                db.inTransactionWithoutTenant(h -> h.query(PLANT, r -> 1));
            }
        },
        RAW_PRIMARY_CONNECTION(true) {
            @Override
            void run(DatabaseManager db) throws SQLException {
                try (Connection c = db.primary().getConnection();
                        Statement st = c.createStatement()) {
                    st.execute(PLANT);
                }
            }
        };

        final boolean survives;

        Plant(boolean survives) {
            this.survives = survives;
        }

        abstract void run(DatabaseManager db) throws SQLException;
    }

    /** The next user of the connection, and the rows of B it could see or change. */
    enum Borrower {
        TENANT_LESS_READ {
            @Override
            List<String> bodies(DatabaseManager db) {
                return db.readWithoutTenant(
                        ReadConsistency.latest(),
                        h -> h.query("SELECT body FROM notes ORDER BY body", r -> r.getString(1)));
            }
        },
        TENANT_LESS_WRITE {
            @Override
            List<String> bodies(DatabaseManager db) {
                return db.inTransactionWithoutTenant(
                                h -> h.query("UPDATE notes SET body = body || '!' RETURNING body", r -> r.getString(1)))
                        .value();
            }
        },
        TENANT_C_READ {
            @Override
            List<String> bodies(DatabaseManager db) {
                return db.read(
                        C,
                        ReadConsistency.latest(),
                        h -> h.query("SELECT body FROM notes ORDER BY body", r -> r.getString(1)));
            }
        },
        TENANT_C_WRITE {
            @Override
            List<String> bodies(DatabaseManager db) {
                return db.inTransaction(
                                C, h -> h.query("UPDATE notes SET body = body RETURNING body", r -> r.getString(1)))
                        .value();
            }
        },
        RAW_PRIMARY {
            @Override
            List<String> bodies(DatabaseManager db) throws SQLException {
                try (Connection c = db.primary().getConnection()) {
                    return raw(c);
                }
            }
        },
        RAW_REPLICA_ROUTED {
            @Override
            List<String> bodies(DatabaseManager db) throws SQLException {
                try (Connection c = db.replica().getConnection()) {
                    return raw(c);
                }
            }
        };

        abstract List<String> bodies(DatabaseManager db) throws SQLException;

        static List<String> raw(Connection c) throws SQLException {
            List<String> out = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT body FROM notes ORDER BY body")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = st.executeQuery(
                        "WITH u AS (UPDATE notes SET body = body || '!' RETURNING body) SELECT body FROM u")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        }
    }

    static Stream<Arguments> attacks() {
        List<Arguments> out = new ArrayList<>();
        for (String mode : MODES.keySet()) {
            for (Plant p : Plant.values()) {
                for (Borrower b : Borrower.values()) {
                    out.add(Arguments.of(mode, p, b));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{0}] {1} then {2}")
    @MethodSource("attacks")
    void aPlantedTenantIsUselessToTheNextBorrower(String mode, Plant plant, Borrower borrower) throws SQLException {
        DatabaseManager db = MANAGERS.get(mode);
        plant.run(db);
        if (plant.survives) {
            assertThat(sessionTenant(db))
                    .as("the attack really left B on the connection")
                    .isEqualTo(B.toString());
        }
        List<String> seen = borrower.bodies(db);
        if (borrower == Borrower.TENANT_C_READ || borrower == Borrower.TENANT_C_WRITE) {
            assertThat(seen).containsExactly("c1");
        } else {
            assertThat(seen).isEmpty();
        }
        assertThat(app.queryString("SELECT string_agg(body, ',' ORDER BY body) FROM notes"))
                .isEqualTo("a1,b1,c1");
        // and the tenant's own unit still sees exactly its rows
        List<String> ownRead =
                db.read(A, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        assertThat(ownRead).containsExactly("a1");
        List<String> ownWrite = db.inTransaction(A, h -> h.query("SELECT body FROM notes", r -> r.getString(1)))
                .value();
        assertThat(ownWrite).containsExactly("a1");
        resetSession(db);
    }

    @Test
    void theThroughPgBouncerRunReallyGoesThroughPgBouncer() throws SQLException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                AppDatabase.VIA_PGBOUNCER, "only in the through-pgbouncer execution");
        DatabaseManager db = MANAGERS.get("default");
        assertThat(db.config().primaryUrl()).contains(":" + app.bouncer().port() + "/");
        try (Connection c = db.primary().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            assertThat(rs.getInt(1)).isNotEqualTo(app.bouncer().port());
        }
    }

    @Test
    void aTenantSqlConditionCannotCallSetConfig() {
        for (String condition : List.of(
                "set_config('app.tenant_id', ?, false) IS NOT NULL",
                "pg_catalog.set_config('app.tenant_id', ?, false) <> ''",
                "\"set_config\"('app.tenant_id', ?, false) <> ''",
                "SET_CONFIG('app.tenant_id', ?, false) <> ''",
                "body = current_setting('app.tenant_id') AND body <> ?")) {
            assertThatThrownBy(() -> TenantSql.select("notes")
                            .where(condition, B.toString())
                            .build(B))
                    .as(condition)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must not call");
        }
        assertThat(TenantSql.select("notes")
                        .where("lower(body) = ?", "a1")
                        .build(A)
                        .sql())
                .contains("lower(body)");
    }

    @Test
    void aTenantSetOnlyForItsOwnTransactionByRawSqlStillWorksInsideThatUnit() {
        // Raw SQL is trusted for its own unit: it may bind another tenant to its own transaction.
        List<String> seen = MANAGERS.get("default")
                .inTransaction(A, h -> {
                    h.query("SELECT " + RowLevelSecurity.BIND_TENANT, r -> 1, C.toString());
                    return h.query("SELECT body FROM notes", r -> r.getString(1));
                })
                .value();
        assertThat(seen).containsExactly("c1");
    }

    private static String sessionTenant(DatabaseManager db) throws SQLException {
        try (Connection c = db.primary().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('app.tenant_id', true)")) {
            rs.next();
            return String.valueOf(rs.getString(1));
        }
    }

    private static void resetSession(DatabaseManager db) throws SQLException {
        try (Connection c = db.primary().getConnection();
                Statement st = c.createStatement()) {
            st.execute("RESET app.tenant_id");
            st.execute("RESET app.tenant_tx");
        }
    }
}
