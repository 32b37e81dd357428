package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.Discovery;
import dev.adxcore.platform.test.internal.PgEndpoint;
import dev.adxcore.platform.test.internal.PgServers;
import dev.adxcore.platform.test.internal.RedisHost;
import dev.adxcore.platform.test.internal.Source;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one pool: a PostgreSQL primary with replicas and a Redis, found or started on first use,
 * handing out isolated databases and key prefixes. The shared pool serves every test class of the JVM; an
 * isolated pool serves one owner. Open pools are stopped at JVM exit. Thread-safe.
 */
final class ServerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<ServerPool> OPEN = ConcurrentHashMap.newKeySet();
    private static final Duration STARTED_SERVER_TIMEOUT = Duration.ofSeconds(10);
    private static volatile @Nullable ServerPool shared;

    static {
        Thread hook = new Thread(
                () -> {
                    for (ServerPool servers : List.copyOf(OPEN)) {
                        servers.stop();
                    }
                },
                "platform-test-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private final TestServerSettings settings;
    private final Discovery discovery;
    private final boolean isShared;
    private @Nullable PgServers postgres;
    private @Nullable TestServersUnavailableException postgresFailure;
    private @Nullable RedisHost redis;
    private @Nullable TestServersUnavailableException redisFailure;
    private boolean stopped;

    private ServerPool(TestServerSettings settings, boolean isShared) {
        this(settings, new Discovery(settings), isShared);
    }

    private ServerPool(TestServerSettings settings, Discovery discovery, boolean isShared) {
        this.settings = settings;
        this.discovery = discovery;
        this.isShared = isShared;
        OPEN.add(this);
    }

    /**
     * The JVM-wide servers configured by {@link TestServerSettings#fromEnvironment()}, used by the JUnit
     * extensions. They stop when the JVM exits; {@link #close()} on this instance does nothing.
     *
     * @return the shared instance (servers start on first use, not here)
     * @throws IllegalArgumentException when a {@code PLATFORM_TEST_*} variable is malformed
     */
    static ServerPool shared() {
        ServerPool current = shared;
        if (current == null) {
            synchronized (ServerPool.class) {
                current = shared;
                if (current == null) {
                    current = new ServerPool(TestServerSettings.fromEnvironment(), true);
                    shared = current;
                }
            }
        }
        return current;
    }

    /**
     * Servers of their own, configured by {@code settings}; close them when done (the JVM's exit does it
     * otherwise).
     *
     * @param settings where to find the servers
     * @return a new instance (servers start on first use, not here)
     */
    static ServerPool create(TestServerSettings settings) {
        return new ServerPool(settings, false);
    }

    /**
     * Like {@link #create(TestServerSettings)}, finding servers with {@code discovery} (tests of the kit use it to
     * hide the binaries from Maven Central).
     *
     * @param settings the settings {@code discovery} was made with
     * @param discovery how to find the servers
     * @return a new instance
     */
    static ServerPool create(TestServerSettings settings, Discovery discovery) {
        return new ServerPool(settings, discovery, false);
    }

    /**
     * The settings these servers were found with.
     *
     * @return the settings
     */
    TestServerSettings settings() {
        return settings;
    }

    /**
     * Creates an empty database of its own on the primary, waits until every requested replica has it, and
     * returns its handle. Closing the handle drops the database.
     *
     * @param namePrefix readable part of the database name, such as the test class's simple name
     * @param replicas how many streaming replicas the caller needs (0 or more); more are started on demand
     * @return the database
     * @throws TestServersUnavailableException when the servers cannot be found, started or used
     * @throws IllegalArgumentException when {@code replicas} is negative
     */
    PostgresCluster createPostgresDatabase(
            String namePrefix, int replicas, boolean exclusive, @Nullable ServerPool owned) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 0 (was " + replicas + ")");
        }
        PgServers cluster = postgresCluster();
        List<PgEndpoint> replicaEndpoints;
        try {
            replicaEndpoints = cluster.replicas(replicas);
        } catch (TestServersUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TestServersUnavailableException(
                    "could not start " + replicas + " PostgreSQL replica(s): " + e.getMessage(), e);
        }
        String database = uniqueName("t_", namePrefix, "_");
        PgEndpoint primary = cluster.primary();
        Duration connectTimeout = connectTimeout(cluster.source());
        try (Connection c = primary.connect(primary.database(), connectTimeout);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new TestServersUnavailableException(
                    "cannot create the test database " + database + " on "
                            + primary.address() + ": " + e.getMessage() + " (SQLState " + e.getSQLState()
                            + "); the user "
                            + primary.user() + " needs the CREATEDB privilege",
                    e);
        }
        PostgresCluster handle = new PostgresCluster(
                cluster,
                primary,
                replicaEndpoints,
                database,
                settings.replicationTimeout(),
                connectTimeout,
                exclusive,
                owned);
        try {
            handle.awaitReplication();
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        LOG.debug("Test database {} created on {} ({} replica(s))", database, primary.address(), replicas);
        return handle;
    }

    /**
     * How long a connection (and login) to servers of {@code source} may take: the configured timeout for servers
     * named by settings (where it bounds how fast a wrong URL fails), at least {@link #STARTED_SERVER_TIMEOUT} for
     * servers the kit started and knows to be up, whose backends may fork slowly on a loaded machine.
     */
    private Duration connectTimeout(Source source) {
        Duration configured = settings.connectTimeout();
        return source == Source.SETTINGS || configured.compareTo(STARTED_SERVER_TIMEOUT) > 0
                ? configured
                : STARTED_SERVER_TIMEOUT;
    }

    /**
     * Reserves a key prefix of its own on the Redis server. Closing the handle deletes the keys under it.
     *
     * @param namePrefix readable part of the key prefix, such as the test class's simple name
     * @return the namespace
     * @throws TestServersUnavailableException when the server cannot be found, started or used
     */
    RedisServer createRedisNamespace(String namePrefix, boolean exclusive, @Nullable ServerPool owned) {
        RedisHost server = redisServer();
        return new RedisServer(
                server, uniqueName("t:", namePrefix, ":") + ":", settings.connectTimeout(), exclusive, owned);
    }

    private synchronized PgServers postgresCluster() {
        if (stopped) {
            throw new IllegalStateException("these test servers were closed");
        }
        if (postgresFailure != null) {
            throw new TestServersUnavailableException(String.valueOf(postgresFailure.getMessage()), postgresFailure);
        }
        if (postgres == null) {
            try {
                postgres = discovery.postgres();
            } catch (TestServersUnavailableException e) {
                postgresFailure = e;
                throw e;
            } catch (RuntimeException e) {
                postgresFailure = new TestServersUnavailableException(
                        "PostgreSQL for the tests could not be started: " + e.getMessage(), e);
                throw postgresFailure;
            }
        }
        return postgres;
    }

    private synchronized RedisHost redisServer() {
        if (stopped) {
            throw new IllegalStateException("these test servers were closed");
        }
        if (redisFailure != null) {
            throw new TestServersUnavailableException(String.valueOf(redisFailure.getMessage()), redisFailure);
        }
        if (redis == null) {
            try {
                redis = discovery.redis();
            } catch (TestServersUnavailableException e) {
                redisFailure = e;
                throw e;
            } catch (RuntimeException e) {
                redisFailure = new TestServersUnavailableException(
                        "Redis for the tests could not be started: " + e.getMessage(), e);
                throw redisFailure;
            }
        }
        return redis;
    }

    static String uniqueName(String start, String namePrefix, String separator) {
        String readable = namePrefix
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return start + (readable.isEmpty() ? "" : readable + separator) + hex;
    }

    /**
     * Stops the servers this pool started and deletes their files; servers named by explicit settings
     * are left running. Does nothing on {@link #shared()}, which stops when the JVM exits. Idempotent.
     */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        OPEN.remove(this);
        List<RuntimeException> failures = new ArrayList<>();
        if (redis != null) {
            try {
                redis.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        discovery.deleteWorkspace();
        for (RuntimeException failure : failures) {
            LOG.warn("Stopping test servers failed", failure);
        }
    }

    @Override
    public String toString() {
        return "ServerPool{" + settings + '}';
    }
}
