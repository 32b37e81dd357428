package dev.adxcore.platform.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated JUnit 5 test class real servers: declare a {@link PostgresCluster}, {@link RedisServer}
 * and/or {@link KafkaServer} parameter on the constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a
 * test method. The class gets a database of its own (created on the primary, visible on the replicas,
 * dropped after the class) and a Redis key prefix of its own; {@code @Nested} classes share them. Servers
 * start only when a test asks for them.
 *
 * <pre>{@code
 * @PlatformTest(replicas = 2)
 * class RoutingTest {
 *   @Test
 *   void readsGoToReplicas(PostgresCluster pg) throws SQLException {
 *     try (Connection c = pg.openPrimary()) { ... }
 *     pg.awaitReplication();
 *     try (Connection c = pg.openReplica(1)) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>How servers are found: see {@link TestServerSettings}. When none can be found the class fails with
 * {@link TestServersUnavailableException}, whose message names the four options (or, when
 * {@link TestServerSettings#SKIP_UNAVAILABLE} names that server, its tests are reported as skipped).
 *
 * <p>Cost: the JVM's first class that asks for a server pays its start (seconds); later classes share it and
 * pay only their own database or key prefix, unless {@code isolatedServers} gives them private servers, each a
 * start of its own. Test classes may run in parallel: the kit is thread-safe.
 *
 * @since 0.1.0
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(PlatformTestExtension.class)
public @interface PlatformTest {

    /**
     * How many streaming replicas the class needs; 0 for a primary only. Routing tests usually need 2.
     *
     * @return the number of replicas, at least 0
     * @since 0.1.0
     */
    int replicas() default 1;

    /**
     * Whether the class gets servers of its own instead of the JVM's shared ones: needed by tests that stop
     * and start servers ({@link PostgresCluster#stopReplica(int)}, {@link RedisServer#stop()}); costs a server
     * start (about 1 s per PostgreSQL node). The servers are stopped after the class.
     *
     * @return true for private servers
     * @since 0.1.0
     */
    boolean isolatedServers() default false;

    /**
     * Whether the class's private Redis keeps every acknowledged write on disk (append-only file fsynced on every
     * write), so that data survives {@link RedisServer#crash()} and {@link RedisServer#start()}; needs
     * {@link #isolatedServers()}. Same as {@link TestServerSettings#REDIS_DURABLE} for this class alone.
     *
     * @return true for a durable Redis
     * @since 0.3.0
     */
    boolean durableRedis() default false;
}
