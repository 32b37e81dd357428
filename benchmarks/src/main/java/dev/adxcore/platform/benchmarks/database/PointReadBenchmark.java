package dev.adxcore.platform.benchmarks.database;

import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.SELECT;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.idOfA;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Point select by primary key, 4 threads, all against the same primary in the same run:
 * <ul>
 *   <li>{@code plainAutocommitSelect}: raw HikariCP + pgjdbc, no tenant, table without tenant policy (1.00);</li>
 *   <li>{@code naiveTenantTransaction}: raw HikariCP, transaction with a separate set_config, select, commit;</li>
 *   <li>{@code managerTenantRead}: {@code DatabaseManager.read(tenant, latest(), ...)} on the RLS table;</li>
 *   <li>{@code managerTenantReadOnReplicas}: the same with {@code replica()} (two replicas on the same host).</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'database.PointReadBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class PointReadBenchmark {

    private BenchDatabase database;
    private HikariDataSource raw;
    private DatabaseManager db;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = new BenchDatabase(2);
        raw = database.rawPool(database.pg.primaryJdbcUrl());
        db = DatabaseManager.create(database.config().build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println();
        db.config().meterRegistry().find("platform.db.reads").counters().forEach(c -> {
            if (c.count() > 0) {
                System.out.println("reads " + c.getId().getTag("target") + " "
                        + c.getId().getTag("consistency") + " = " + (long) c.count());
            }
        });
        db.close();
        raw.close();
        database.close();
    }

    @Benchmark
    public String plainAutocommitSelect() throws SQLException {
        return JdbcBaselines.plainSelect(raw);
    }

    @Benchmark
    public String naiveTenantTransaction() throws SQLException {
        return JdbcBaselines.naiveTenantRead(raw);
    }

    @Benchmark
    public String managerTenantRead() {
        int id = idOfA();
        return db.read(
                BenchDatabase.TENANT_A,
                ReadConsistency.latest(),
                h -> h.queryOne(SELECT, r -> r.getString(1), id).orElseThrow());
    }

    @Benchmark
    public String managerTenantReadOnReplicas() {
        int id = idOfA();
        return db.read(
                BenchDatabase.TENANT_A,
                ReadConsistency.replica(),
                h -> h.queryOne(SELECT, r -> r.getString(1), id).orElseThrow());
    }
}
