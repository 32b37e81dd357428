package dev.adxcore.platform.benchmarks.database;

import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.SELECT;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.UPDATE;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.idOfA;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.CausalToken;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import java.sql.SQLException;
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
 * Baseline and platform code measured at the same moment, on the same server, with the same pools:
 * each group runs 2 threads of the hand-written JDBC baseline and 2 threads of the
 * {@link DatabaseManager} path concurrently (4 threads), so that load from other processes on the
 * machine hits both sides equally and the ratio of the two scores stays meaningful.
 * <ul>
 *   <li>{@code read}: plain autocommit point select vs tenant-scoped {@code read(tenant, latest())};</li>
 *   <li>{@code naive}: plain autocommit point select vs a transaction with a separate set_config (3 round trips);</li>
 *   <li>{@code write}: hand-written transaction (set_config, update, commit) vs {@code inTransaction(tenant, ...)}.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'database.SideBySideBenchmark' -f 1 -wi 3 -w 3s -i 5 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SideBySideBenchmark {

    private BenchDatabase database;
    private HikariDataSource raw;
    private DatabaseManager db;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = new BenchDatabase(0);
        raw = database.rawPool(database.pg.primaryJdbcUrl());
        db = DatabaseManager.create(database.config().build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
        raw.close();
        database.close();
    }

    @Benchmark
    @Group("read")
    @GroupThreads(2)
    public String readBaselinePlainSelect() throws SQLException {
        return JdbcBaselines.plainSelect(raw);
    }

    @Benchmark
    @Group("read")
    @GroupThreads(2)
    public String readManagerTenantRead() {
        int id = idOfA();
        return db.read(
                BenchDatabase.TENANT_A,
                ReadConsistency.latest(),
                h -> h.queryOne(SELECT, r -> r.getString(1), id).orElseThrow());
    }

    @Benchmark
    @Group("naive")
    @GroupThreads(2)
    public String naiveBaselinePlainSelect() throws SQLException {
        return JdbcBaselines.plainSelect(raw);
    }

    @Benchmark
    @Group("naive")
    @GroupThreads(2)
    public String naiveTenantTransaction() throws SQLException {
        return JdbcBaselines.naiveTenantRead(raw);
    }

    @Benchmark
    @Group("write")
    @GroupThreads(2)
    public int writeBaselineHandWritten() throws SQLException {
        return JdbcBaselines.handWrittenUpdate(raw);
    }

    @Benchmark
    @Group("write")
    @GroupThreads(2)
    public CausalToken writeManagerTransaction() {
        int id = idOfA();
        return db.inTransaction(BenchDatabase.TENANT_A, h -> h.update(UPDATE, id))
                .token();
    }
}
