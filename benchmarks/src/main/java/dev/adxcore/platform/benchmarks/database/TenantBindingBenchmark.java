package dev.adxcore.platform.benchmarks.database;

import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.SELECT;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.idOfA;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.database.RowLevelSecurity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of issue 12's fix on the read fast path, all four measured at the same moment on the same
 * primary (one group, one thread each), so machine load hits every side alike:
 * <ul>
 *   <li>{@code plainSelect}: raw HikariCP autocommit point select on a table without tenant policy (the 0.80x goal's 1.00);</li>
 *   <li>{@code oldBinding}: the previous code's fast path, verbatim — {@code SELECT set_config('app.tenant_id', ?, true),
 *       set_config('transaction_read_only', 'on', true); SELECT ...} — on a copy of the table under the previous policy
 *       ({@code tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid});</li>
 *   <li>{@code newBindingRaw}: the same statement shape with the new prefix ({@link RowLevelSecurity#BIND_TENANT}:
 *       tenant and transaction identity) on the table under the new transaction-bound policy — the SQL cost alone;</li>
 *   <li>{@code newBindingManager}: {@code DatabaseManager.read(tenant, latest(), ...)} on the new policy — what users run.</li>
 * </ul>
 * The goal: {@code newBindingManager} within 5 % of {@code oldBinding}, and at least 0.80x {@code plainSelect}.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'database.TenantBindingBenchmark' -f 1 -wi 3 -w 3s -i 5 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TenantBindingBenchmark {

    static final String OLD_PREFIX =
            "SELECT set_config('app.tenant_id', ?, true), set_config('transaction_read_only', 'on', true); ";
    static final String NEW_PREFIX =
            "SELECT " + RowLevelSecurity.BIND_TENANT + ", set_config('transaction_read_only', 'on', true); ";
    static final String SELECT_OLD = "SELECT body FROM items_old WHERE id = ?";

    private BenchDatabase database;
    private HikariDataSource raw;
    private DatabaseManager db;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = new BenchDatabase(0);
        try (Connection c = database.pg.openPrimary();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items_old (LIKE items INCLUDING ALL)");
            st.execute("INSERT INTO items_old SELECT * FROM items");
            st.execute("GRANT SELECT ON items_old TO " + database.role);
            st.execute("ALTER TABLE items_old ENABLE ROW LEVEL SECURITY");
            st.execute("ALTER TABLE items_old FORCE ROW LEVEL SECURITY");
            st.execute("CREATE POLICY tenant_isolation ON items_old FOR ALL"
                    + " USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)"
                    + " WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)");
            st.execute("ANALYZE items_old");
        }
        raw = database.rawPool(database.pg.primaryJdbcUrl());
        // items_old carries the previous policy on purpose (the "before" side): the start-up check would refuse it.
        db = DatabaseManager.create(
                database.config().roleCheck(DatabaseConfig.RoleCheck.WARN).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
        raw.close();
        database.close();
    }

    @Benchmark
    @Group("binding")
    @GroupThreads(1)
    public String plainSelect() throws SQLException {
        return JdbcBaselines.plainSelect(raw);
    }

    @Benchmark
    @Group("binding")
    @GroupThreads(1)
    public String oldBinding() throws SQLException {
        return prefixed(OLD_PREFIX + SELECT_OLD);
    }

    @Benchmark
    @Group("binding")
    @GroupThreads(1)
    public String newBindingRaw() throws SQLException {
        return prefixed(NEW_PREFIX + SELECT);
    }

    @Benchmark
    @Group("binding")
    @GroupThreads(1)
    public String newBindingManager() {
        int id = idOfA();
        return db.read(
                BenchDatabase.TENANT_A,
                ReadConsistency.latest(),
                h -> h.queryOne(SELECT, r -> r.getString(1), id).orElseThrow());
    }

    private String prefixed(String sql) throws SQLException {
        try (Connection c = raw.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, BenchDatabase.TENANT_A.toString());
            ps.setInt(2, idOfA());
            ps.execute();
            if (!ps.getMoreResults()) {
                throw new SQLException("no result from the select");
            }
            try (ResultSet rs = ps.getResultSet()) {
                if (!rs.next()) {
                    throw new SQLException("the tenant's row is not visible: the binding is broken");
                }
                return rs.getString(1);
            }
        }
    }
}
