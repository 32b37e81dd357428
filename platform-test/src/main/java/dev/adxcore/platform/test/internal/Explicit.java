package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Servers named by explicit settings: checked once, never started or stopped by the kit. */
final class Explicit {
    static final String UNSET_HINT = "or unset %s so that the kit uses Testcontainers (when a Docker daemon answers)"
            + " or private servers started from installed binaries (else from binaries on Maven Central)";

    private Explicit() {}

    /** Checks that the primary answers and is not in recovery, and that each replica is a hot standby of it. */
    static PgServers postgres(TestServerSettings settings) {
        String primaryUrl = settings.postgresUrl();
        if (primaryUrl == null) {
            throw new IllegalStateException("no explicit PostgreSQL URL is set");
        }
        Duration timeout = settings.connectTimeout();
        PgEndpoint primary = PgEndpoint.parse(
                TestServerSettings.POSTGRES_URL, primaryUrl, settings.postgresUser(), settings.postgresPassword());
        String primaryId = check(TestServerSettings.POSTGRES_URL, primary, false, timeout);
        List<PgEndpoint> replicas = new ArrayList<>();
        for (String url : settings.postgresReplicaUrls()) {
            PgEndpoint replica = PgEndpoint.parse(
                    TestServerSettings.POSTGRES_REPLICA_URL, url, settings.postgresUser(), settings.postgresPassword());
            String replicaId = check(TestServerSettings.POSTGRES_REPLICA_URL, replica, true, timeout);
            if (!replicaId.equals(primaryId)) {
                throw new TestServersUnavailableException(
                        TestServerSettings.POSTGRES_REPLICA_URL + "=" + replica
                                + " is a standby of another cluster (system identifier " + replicaId + ", but "
                                + TestServerSettings.POSTGRES_URL + " has " + primaryId
                                + "): point it at a hot standby streaming from "
                                + primary.address() + ", " + String.format(UNSET_HINT, "both settings"),
                        null);
            }
            replicas.add(replica);
        }
        return new ExplicitPostgresCluster(primary, List.copyOf(replicas));
    }

    /** Connects to {@code endpoint} and returns the cluster's system identifier. */
    private static String check(String setting, PgEndpoint endpoint, boolean mustBeInRecovery, Duration timeout) {
        answersTcp(setting, endpoint.toString(), endpoint.host(), endpoint.port(), timeout);
        try (Connection c = endpoint.connect(endpoint.database(), timeout);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT pg_is_in_recovery(), (SELECT system_identifier FROM pg_control_system())::text")) {
            rs.next();
            boolean inRecovery = rs.getBoolean(1);
            if (inRecovery != mustBeInRecovery) {
                throw new TestServersUnavailableException(
                        setting + "=" + endpoint
                                + (mustBeInRecovery
                                        ? " is not in recovery (pg_is_in_recovery() = false): it must be a hot standby streaming from "
                                                + TestServerSettings.POSTGRES_URL + ", not a primary; "
                                        : " is in recovery (pg_is_in_recovery() = true): it must be a writable primary, not a standby; ")
                                + "fix the URL, " + String.format(UNSET_HINT, setting),
                        null);
            }
            return rs.getString(2);
        } catch (SQLException e) {
            throw new TestServersUnavailableException(
                    setting + "=" + endpoint + " answers on " + endpoint.address()
                            + " but refused the connection: " + e.getMessage() + " (SQLState " + e.getSQLState()
                            + "); fix the user,"
                            + " password or database in the URL, " + String.format(UNSET_HINT, setting),
                    e);
        }
    }

    static RedisHost redis(TestServerSettings settings) {
        String url = settings.redisUrl();
        if (url == null) {
            throw new IllegalStateException("no explicit Redis URL is set");
        }
        RedisEndpoint endpoint = RedisEndpoint.parse(TestServerSettings.REDIS_URL, url);
        answersTcp(
                TestServerSettings.REDIS_URL,
                endpoint.toString(),
                endpoint.host(),
                endpoint.port(),
                settings.connectTimeout());
        try (Resp resp = Resp.connect(endpoint, settings.connectTimeout())) {
            Object pong = resp.command("PING");
            if (!"PONG".equals(pong)) {
                throw new IOException("PING answered '" + pong + "' instead of PONG");
            }
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    TestServerSettings.REDIS_URL + "=" + endpoint + " answers on "
                            + endpoint.address() + " but not as a usable Redis: " + e.getMessage()
                            + "; fix the URL or password, "
                            + String.format(UNSET_HINT, TestServerSettings.REDIS_URL),
                    e);
        }
        return new RedisHost() {
            @Override
            public Source source() {
                return Source.SETTINGS;
            }

            @Override
            public RedisEndpoint endpoint() {
                return endpoint;
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }

    /** Fails fast, naming the setting, when nothing accepts a TCP connection at the address. */
    static void answersTcp(String setting, String maskedUrl, String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    setting + "=" + maskedUrl + " does not answer: " + e.getMessage()
                            + " (" + host + ":" + port + ", waited up to " + timeout.toMillis()
                            + " ms). Start that server or fix the URL, "
                            + String.format(UNSET_HINT, setting) + ".",
                    e);
        }
    }

    private static final class ExplicitPostgresCluster implements PgServers {
        private final PgEndpoint primary;
        private final List<PgEndpoint> replicas;

        ExplicitPostgresCluster(PgEndpoint primary, List<PgEndpoint> replicas) {
            this.primary = primary;
            this.replicas = replicas;
        }

        @Override
        public Source source() {
            return Source.SETTINGS;
        }

        @Override
        public PgEndpoint primary() {
            return primary;
        }

        @Override
        public List<PgEndpoint> replicas(int count) {
            if (count > replicas.size()) {
                throw new TestServersUnavailableException(
                        "the test asks for " + count + " PostgreSQL replica(s) but "
                                + TestServerSettings.POSTGRES_REPLICA_URL + " lists " + replicas.size()
                                + ": add hot standbys of "
                                + primary.address() + " (comma-separated URLs), "
                                + String.format(
                                        UNSET_HINT,
                                        TestServerSettings.POSTGRES_URL + " and "
                                                + TestServerSettings.POSTGRES_REPLICA_URL),
                        null);
            }
            return replicas.subList(0, count);
        }

        @Override
        public void close() {
            // not ours to stop
        }
    }
}
