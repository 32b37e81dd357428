package dev.adxcore.platform.benchmarks.database;

import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.UPDATE;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.idOfA;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.CausalToken;
import dev.adxcore.platform.database.DatabaseManager;
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
 * A read-write unit (set the tenant, update one row by primary key, commit), 4 threads, same primary:
 * <ul>
 *   <li>{@code handWrittenTransaction}: raw HikariCP + pgjdbc: setAutoCommit(false), set_config, update, commit;</li>
 *   <li>{@code managerTransaction}: {@code DatabaseManager.inTransaction(tenant, ...)}, which also returns
 *       the causal token (the primary's WAL position after the commit).</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'database.WriteUnitBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class WriteUnitBenchmark {

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
    public int handWrittenTransaction() throws SQLException {
        return JdbcBaselines.handWrittenUpdate(raw);
    }

    @Benchmark
    public CausalToken managerTransaction() {
        int id = idOfA();
        return db.inTransaction(BenchDatabase.TENANT_A, h -> h.update(UPDATE, id))
                .token();
    }
}
