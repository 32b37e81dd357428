package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServers;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The test kit's self-check ({@code ./mvnw -q -pl platform-test compile exec:java}): finds or starts the
 * servers exactly as tests would, proves replication, read-only replicas and Redis, prints what it used and
 * stops what it started. Exit code 0 when everything works, 1 otherwise. Runs once, on one thread (main); costs
 * what tests pay for their servers (seconds).
 */
public final class SelfCheck {
    private SelfCheck() {}

    /**
     * Runs the self-check.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        int status = 0;
        long started = System.nanoTime();
        TestServerSettings settings = TestServerSettings.fromEnvironment();
        try (PostgresCluster db = TestServers.privatePostgres(settings, 1);
                RedisServer redis = TestServers.privateRedis(settings)) {
            out.println("PostgreSQL (" + db.source() + "): primary " + Urls.mask(db.primaryJdbcUrl()));
            out.println("PostgreSQL (" + db.source() + "): replica " + Urls.mask(db.replicaJdbcUrl(0)));
            try (Connection primary = db.openPrimary();
                    Statement s = primary.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version')")) {
                    rs.next();
                    out.println("  PostgreSQL " + rs.getString(1) + " (" + TestServerSettings.POSTGRES_VERSION + "="
                            + settings.postgresVersion() + (settings.isPostgresVersionSet() ? "" : ", the default")
                            + ")");
                }
                s.execute("CREATE TABLE selfcheck (id int PRIMARY KEY)");
                s.execute("INSERT INTO selfcheck VALUES (42)");
            }
            db.awaitReplication();
            try (Connection replica = db.openReplica(0);
                    Statement s = replica.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id FROM selfcheck")) {
                    if (!rs.next() || rs.getInt(1) != 42) {
                        throw new IllegalStateException("the row written on the primary is not on the replica");
                    }
                }
                out.println("  a row written on the primary is visible on the replica: ok");
                try {
                    s.execute("INSERT INTO selfcheck VALUES (43)");
                    throw new IllegalStateException("the replica accepted a write");
                } catch (SQLException e) {
                    if (!"25006".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                out.println("  a write on the replica fails with SQLState 25006: ok");
            }
            out.println(
                    "Redis (" + redis.source() + "): " + Urls.mask(redis.uri()) + " key prefix " + redis.keyPrefix());
            try (Resp resp = Resp.connect(RedisEndpoint.parse("redis", redis.uri()), settings.connectTimeout())) {
                resp.command("SET", redis.key("check"), "ok");
                out.println("  Redis answers: " + resp.command("GET", redis.key("check")));
                String info = String.valueOf(resp.command("INFO", "server"));
                int at = info.indexOf("redis_version:");
                if (at >= 0) {
                    out.println("  Redis "
                            + info.substring(at + "redis_version:".length())
                                    .lines()
                                    .findFirst()
                                    .orElse("")
                                    .strip());
                }
            }
        } catch (RuntimeException | SQLException | IOException e) {
            System.err.println("Self-check FAILED: " + e.getMessage());
            status = 1;
        }
        if (status == 0) {
            out.println("Self-check passed in " + (System.nanoTime() - started) / 1_000_000 + " ms; servers stopped.");
        }
        System.exit(status);
    }
}
