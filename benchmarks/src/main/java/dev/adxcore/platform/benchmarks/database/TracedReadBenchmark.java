package dev.adxcore.platform.benchmarks.database;

import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.SELECT;
import static dev.adxcore.platform.benchmarks.database.JdbcBaselines.idOfA;

import dev.adxcore.platform.benchmarks.observability.BenchTracing;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * A tenant-scoped point read ({@code DatabaseManager.read(tenant, latest(), ...)}) inside a request's trace, with
 * tracing {@code off} (no SDK: the OTel API's no-op, the unit makes no span) and {@code on} (SDK + in-memory
 * exporter, every span sampled: one span per unit of work), 4 threads (issue #16: goal {@code on} ≤ 10 % slower).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'database.TracedReadBenchmark' -f 2 -wi 3 -w 3s -i 5 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TracedReadBenchmark {

    /** {@code off}: no SDK; {@code on}: SDK with an in-memory exporter. */
    @Param({"off", "on"})
    public String tracing = "off";

    private BenchDatabase database;
    private DatabaseManager db;
    private PlatformContext context;
    private BenchTracing spans;

    /**
     * Installs the SDK (or not) before the manager exists, and opens the database.
     *
     * @throws SQLException when the bench schema cannot be created
     */
    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        spans = BenchTracing.install(tracing);
        database = new BenchDatabase(0);
        db = DatabaseManager.create(database.config().build());
        context = PlatformContext.builder()
                .tenantId(BenchDatabase.TENANT_A)
                .userId("u-1")
                .trace(BenchTracing.SAMPLED)
                .build();
    }

    /** Keeps the exporter from growing without bound. */
    @TearDown(Level.Iteration)
    public void drain() {
        spans.drain();
    }

    /** Closes the manager, the database and the SDK. */
    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
        database.close();
        spans.close();
    }

    /**
     * One tenant-scoped read in the request's context.
     *
     * @return the row's body
     */
    @Benchmark
    public String tenantRead() {
        int id = idOfA();
        try (PlatformContext.Scope ignored = context.bind()) {
            return db.read(
                    BenchDatabase.TENANT_A,
                    ReadConsistency.latest(),
                    h -> h.queryOne(SELECT, r -> r.getString(1), id).orElseThrow());
        }
    }
}
