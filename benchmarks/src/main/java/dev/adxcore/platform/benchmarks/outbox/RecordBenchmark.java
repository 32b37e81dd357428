package dev.adxcore.platform.benchmarks.outbox;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A read-write unit with one recorded event vs the same unit without, side by side in one group (2 threads each, at
 * the same moment, same pool), so the ratio of the two scores is the cost of recording (goal: the unit with the
 * event takes at most 1.25x the time, i.e. its score is at least 0.8x). The unit updates one row of a tenant table
 * under row-level security; the event has an aggregate (so the per-aggregate advisory lock and the notification
 * are included). {@code wake=notify}: no relay runs in the JVM, so every recording unit calls {@code pg_notify} (a
 * process that records and leaves relaying to others; the outbox only grows). {@code wake=local}: a started relay of
 * the same database runs in the JVM, publishing to an in-memory bus and deleting what it published (its CPU and its
 * statements share the machine with both groups), so units wake it after commit instead of notifying.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'outbox.RecordBenchmark' -f 1 -wi 3 -w 3s -i 5 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordBenchmark {

    private static final String UPDATE = "UPDATE items SET counter = counter + 1 WHERE id = ?";

    @Param({"local", "notify"})
    public String wake;

    private OutboxBenchDatabase database;
    private DatabaseManager db;
    private Outbox outbox;
    private DatabaseManager relayDb;
    private EventBus bus;
    private OutboxRelay relay;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = new OutboxBenchDatabase();
        db = database.app(8);
        outbox = Outbox.create(db);
        if (wake.equals("local")) {
            relayDb = database.relay(2);
            bus = EventBuses.open("memory:");
            relay = OutboxRelay.create(
                            relayDb,
                            bus,
                            OutboxRelayConfig.builder()
                                    .publishedRetention(Duration.ZERO)
                                    .meterRegistry(new SimpleMeterRegistry())
                                    .build())
                    .start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (relay != null) {
            relay.close();
            bus.close();
            relayDb.close();
        }
        db.close();
        database.close();
    }

    private static int id() {
        return 1 + ThreadLocalRandom.current().nextInt(OutboxBenchDatabase.ROWS);
    }

    @Benchmark
    @Group("unit")
    @GroupThreads(2)
    public int unitWithoutEvent() {
        int id = id();
        return db.inTransaction(OutboxBenchDatabase.TENANT, h -> h.update(UPDATE, id))
                .value();
    }

    @Benchmark
    @Group("unit")
    @GroupThreads(2)
    public int unitWithOneEvent() {
        int id = id();
        return db.inTransaction(OutboxBenchDatabase.TENANT, h -> {
                    int n = h.update(UPDATE, id);
                    outbox.record(
                            h,
                            Event.builder("item.counted")
                                    .tenantId(OutboxBenchDatabase.TENANT)
                                    .aggregate("item", Integer.toString(id))
                                    .data("{\"id\":" + id + "}")
                                    .build());
                    return n;
                })
                .value();
    }
}
