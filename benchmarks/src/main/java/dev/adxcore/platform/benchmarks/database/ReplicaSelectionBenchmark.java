package dev.adxcore.platform.benchmarks.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.adxcore.platform.database.DatabaseManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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
 * The cost of picking a healthy replica: borrowing and returning a connection through
 * {@code DatabaseManager.replica()} (round-robin over two replicas, health and lag checked) against
 * borrowing from one raw HikariCP pool of a replica. No SQL is sent; the difference is the selection.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'database.ReplicaSelectionBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(4)
public class ReplicaSelectionBenchmark {

    private BenchDatabase database;
    private HikariDataSource raw;
    private DatabaseManager db;
    private DataSource routed;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = new BenchDatabase(2);
        raw = database.rawPool(database.pg.replicaJdbcUrls().get(0));
        db = DatabaseManager.create(database.config().build());
        routed = db.replica();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
        raw.close();
        database.close();
    }

    @Benchmark
    public boolean directBorrowFromOneReplicaPool() throws SQLException {
        try (Connection c = raw.getConnection()) {
            return c.isClosed();
        }
    }

    @Benchmark
    public boolean routedBorrowThroughManager() throws SQLException {
        try (Connection c = routed.getConnection()) {
            return c.isClosed();
        }
    }
}
