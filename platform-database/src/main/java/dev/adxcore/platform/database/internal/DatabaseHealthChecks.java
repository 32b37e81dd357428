package dev.adxcore.platform.database.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The health checks of one database: the primary (critical) and each replica (non-critical). They
 * carry no timeout of their own, so the registry's timeout bounds them. Thread-safe (stateless); each run of
 * a check costs a pooled connection of that server and one round trip.
 */
public final class DatabaseHealthChecks {

    private DatabaseHealthChecks() {}

    /**
     * Builds the checks.
     *
     * @param name the database's name
     * @param primaryName the primary pool's name
     * @param primary the primary pool
     * @param replicas the replicas
     * @param monitor the replica monitor, or null without replicas
     * @param maxReplicaLag the lag above which a replica is DOWN
     * @return primary check then one per replica
     */
    public static List<HealthCheck> build(
            String name,
            String primaryName,
            HikariDataSource primary,
            List<Replica> replicas,
            @Nullable ReplicaMonitor monitor,
            Duration maxReplicaLag) {
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(HealthCheck.critical(name + ".primary", () -> {
            try (Connection c = primary.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery()");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return HealthResult.down("the primary is in recovery (read-only): writes would fail");
                }
                HikariPoolMXBean pool = primary.getHikariPoolMXBean();
                return HealthResult.up(Map.of(
                        "pool",
                        primaryName,
                        "active",
                        pool.getActiveConnections(),
                        "idle",
                        pool.getIdleConnections(),
                        "waiting",
                        pool.getThreadsAwaitingConnection()));
            } catch (SQLException e) {
                return HealthResult.down(name + ".primary is unavailable: " + e.getMessage());
            }
        }));
        for (Replica r : replicas) {
            checks.add(HealthCheck.nonCritical(r.name(), () -> {
                if (monitor != null) {
                    monitor.probe(r);
                }
                if (!r.isAvailable()) {
                    return HealthResult.down(r.name() + " is out of rotation: " + r.reason());
                }
                long lagMillis = TimeUnit.NANOSECONDS.toMillis(r.lagNanos(System.nanoTime()));
                if (lagMillis > maxReplicaLag.toMillis()) {
                    return HealthResult.down(r.name() + " replay lag " + lagMillis + "ms exceeds maxReplicaLag "
                                    + maxReplicaLag.toMillis() + "ms")
                            .withDetail("lagBytes", r.lagBytes());
                }
                return HealthResult.up(Map.of("lagMillis", lagMillis, "lagBytes", r.lagBytes()));
            }));
        }
        return List.copyOf(checks);
    }
}
