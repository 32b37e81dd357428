package dev.adxcore.platform.test;

/**
 * Test servers outside JUnit (benchmarks, demos, custom harnesses), found exactly as {@link PlatformTest}
 * finds them (see {@link TestServerSettings}).
 *
 * <p>{@link #postgres(int)} and {@link #redis()} use the JVM's shared servers, started on first use and
 * stopped when the JVM exits; every call returns a new database or key prefix, and closing the handle only
 * drops that database or deletes those keys. {@link #privatePostgres(int)} and {@link #privateRedis()} start
 * servers for the caller alone (closing the handle stops them), which the caller may also stop and start.
 * Thread-safe. The first use costs the servers' start (seconds: {@code initdb} and replicas, or containers);
 * later calls cost a {@code CREATE DATABASE} or a key prefix. A private server costs a start of its own.
 *
 * @since 0.1.0
 */
public final class TestServers {
    private TestServers() {}

    /**
     * A new database on the shared PostgreSQL primary, with at least {@code replicas} streaming replicas.
     *
     * @param replicas how many replicas the caller needs (0 or more)
     * @return the database; closing it drops the database, the servers keep running until the JVM exits
     * @throws TestServersUnavailableException when no server can be found or started; the message names the
     *     settings, Docker, installed binaries and binaries from Maven Central as the four options
     * @throws IllegalArgumentException when {@code replicas} is negative
     * @since 0.1.0
     */
    public static PostgresCluster postgres(int replicas) {
        return ServerPool.shared().createPostgresDatabase(callerName(), replicas, false, null);
    }

    /**
     * A new key prefix on the shared Redis server.
     *
     * @return the handle; closing it deletes the keys under its prefix
     * @throws TestServersUnavailableException when no server can be found or started
     * @since 0.1.0
     */
    public static RedisServer redis() {
        return ServerPool.shared().createRedisNamespace(callerName(), false, null);
    }

    /**
     * A PostgreSQL primary and {@code replicas} replicas for the caller alone, found with
     * {@link TestServerSettings#fromEnvironment()}.
     *
     * @param replicas how many replicas (0 or more)
     * @return the cluster; closing it stops the servers the kit started
     * @throws TestServersUnavailableException when no server can be found or started
     * @throws IllegalArgumentException when {@code replicas} is negative
     * @since 0.1.0
     */
    public static PostgresCluster privatePostgres(int replicas) {
        return privatePostgres(TestServerSettings.fromEnvironment(), replicas);
    }

    /**
     * Like {@link #privatePostgres(int)}, with the given settings.
     *
     * @param settings where to find the servers
     * @param replicas how many replicas (0 or more)
     * @return the cluster; closing it stops the servers the kit started
     * @throws TestServersUnavailableException when no server can be found or started
     * @throws IllegalArgumentException when {@code replicas} is negative
     * @since 0.1.0
     */
    public static PostgresCluster privatePostgres(TestServerSettings settings, int replicas) {
        ServerPool pool = ServerPool.create(settings);
        try {
            return pool.createPostgresDatabase(callerName(), replicas, true, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * A Redis server for the caller alone, found with {@link TestServerSettings#fromEnvironment()}.
     *
     * @return the server; closing it stops the server the kit started
     * @throws TestServersUnavailableException when no server can be found or started
     * @since 0.1.0
     */
    public static RedisServer privateRedis() {
        return privateRedis(TestServerSettings.fromEnvironment());
    }

    /**
     * Like {@link #privateRedis()}, with the given settings.
     *
     * @param settings where to find the server
     * @return the server; closing it stops the server the kit started
     * @throws TestServersUnavailableException when no server can be found or started
     * @since 0.1.0
     */
    public static RedisServer privateRedis(TestServerSettings settings) {
        ServerPool pool = ServerPool.create(settings);
        try {
            return pool.createRedisNamespace(callerName(), true, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * A new topic prefix on the JVM's shared Kafka broker (see {@link KafkaServer} for where it comes from).
     *
     * @return the handle; the broker keeps running until the JVM exits
     * @throws TestServersUnavailableException when no broker can be found or started; the message names the
     *     settings, Docker and the {@code platform-test-kafka} test dependency as the three options
     * @since 0.1.0
     */
    public static KafkaServer kafka() {
        return KafkaServers.shared(callerName());
    }

    /**
     * A Kafka broker for the caller alone, which it may stop, kill and start again; found with
     * {@link TestServerSettings#fromEnvironment()}.
     *
     * @return the broker; closing it stops the broker the kit started
     * @throws TestServersUnavailableException when no broker can be found or started
     * @since 0.1.0
     */
    public static KafkaServer privateKafka() {
        return KafkaServers.isolated(TestServerSettings.fromEnvironment(), callerName());
    }

    private static String callerName() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c != TestServers.class)
                        .findFirst()
                        .map(Class::getSimpleName)
                        .orElse("test"));
    }
}
