package dev.adxcore.platform.test;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit 5 extension behind {@link PlatformTest}: resolves {@link PostgresCluster}, {@link RedisServer} and
 * {@link KafkaServer} parameters, one of each per test class (the outermost class carrying the annotation), created on first
 * use and cleaned up after the class. Registering it with {@code @ExtendWith} directly means
 * {@code @PlatformTest} with its defaults. A test (or a whole class, for {@code @BeforeAll}) whose server no
 * source can provide fails with the kit's message, or is reported as skipped with it when
 * {@value TestServerSettings#SKIP_UNAVAILABLE} names that server.
 *
 * <p>Thread-safe (the per-class state is guarded by its own lock), so test classes may run in parallel. Cost as
 * in {@link PlatformTest}: a server's first start is paid once per JVM, then a database or prefix per class.
 *
 * @since 0.1.0
 */
public final class PlatformTestExtension
        implements ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PlatformTestExtension.class);

    /**
     * Created by JUnit.
     *
     * @since 0.1.0
     */
    public PlatformTestExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == PostgresCluster.class || type == RedisServer.class || type == KafkaServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext owner = classContext(extensionContext);
        Class<?> testClass = owner.getRequiredTestClass();
        ClassServers servers = owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        ClassServers.class,
                        key -> new ClassServers(testClass, annotation(testClass)),
                        ClassServers.class);
        Class<?> type = parameterContext.getParameter().getType();
        try {
            if (type == PostgresCluster.class) {
                return servers.postgres();
            }
            if (type == KafkaServer.class) {
                return servers.kafka();
            }
            return servers.redis();
        } catch (TestServersUnavailableException e) {
            throw skippedOrFailed(servers.pool().settings(), type, e);
        }
    }

    /**
     * What a parameter that cannot get its server throws: when {@value TestServerSettings#SKIP_UNAVAILABLE} lists
     * that server, a {@link Skipped} that the exception handlers below turn into JUnit's
     * {@code TestAbortedException} (JUnit wraps whatever a resolver throws, so it cannot be thrown here), else the
     * failure itself. The server's name comes from the parameter's type: see {@link #serverName(Class)}.
     */
    static RuntimeException skippedOrFailed(
            TestServerSettings settings, Class<?> parameterType, TestServersUnavailableException failure) {
        String server = serverName(parameterType);
        if (settings.skipsWhenUnavailable(server)) {
            return new Skipped(
                    "skipped: " + TestServerSettings.SKIP_UNAVAILABLE + " lists " + server
                            + " and no source could provide it. " + failure.getMessage(),
                    failure);
        }
        return failure;
    }

    /**
     * The name {@value TestServerSettings#SKIP_UNAVAILABLE} knows a server by: {@code postgres} for
     * {@link PostgresCluster}, and for any other type its simple name in lower case without a trailing
     * {@code server}, {@code cluster} or {@code broker} ({@link RedisServer} is {@code redis}, a
     * {@code PgBouncerServer} {@code pgbouncer}, a {@code KafkaBroker} {@code kafka}).
     */
    static String serverName(Class<?> type) {
        if (type == PostgresCluster.class) {
            return "postgres";
        }
        String name = type.getSimpleName().toLowerCase(Locale.ROOT);
        for (String suffix : new String[] {"server", "cluster", "broker"}) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** The context of the outermost test class that carries (or inherits) the annotation. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        while (true) {
            Optional<ExtensionContext> parent = current.getParent();
            if (parent.isEmpty()
                    || parent.get().getTestClass().isEmpty()
                    || annotation(parent.get().getRequiredTestClass()) == null) {
                return current;
            }
            current = parent.get();
        }
    }

    private static @Nullable PlatformTest annotation(Class<?> testClass) {
        return AnnotationSupport.findAnnotation(testClass, PlatformTest.class).orElse(null);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw abortIfSkipped(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw abortIfSkipped(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw abortIfSkipped(throwable);
    }

    private static Throwable abortIfSkipped(Throwable throwable) {
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t instanceof Skipped) {
                return new TestAbortedException(t.getMessage(), t.getCause());
            }
        }
        return throwable;
    }

    /** Marks a server that is unavailable and listed in {@value TestServerSettings#SKIP_UNAVAILABLE}. */
    static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skipped(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What one test class was given; closed by JUnit after the class. */
    static final class ClassServers implements AutoCloseable {
        private final Class<?> testClass;
        private final int replicas;
        private final boolean isolated;
        private final boolean durableRedis;
        private @Nullable ServerPool pool;
        private @Nullable PostgresCluster postgres;
        private @Nullable RedisServer redis;
        private @Nullable KafkaServer kafka;

        ClassServers(Class<?> testClass, @Nullable PlatformTest annotation) {
            this.testClass = testClass;
            this.replicas = annotation == null ? 1 : annotation.replicas();
            this.isolated = annotation != null && annotation.isolatedServers();
            this.durableRedis = annotation != null && annotation.durableRedis();
            if (durableRedis && !isolated) {
                throw new IllegalArgumentException("@PlatformTest(durableRedis = true) on " + testClass.getName()
                        + " needs isolatedServers = true: the shared Redis is not durable");
            }
            if (replicas < 0) {
                throw new IllegalArgumentException("@PlatformTest(replicas = " + replicas + ") on "
                        + testClass.getName() + ": replicas must be >= 0");
            }
        }

        synchronized ServerPool pool() {
            if (pool == null) {
                TestServerSettings settings = TestServerSettings.fromEnvironment();
                if (durableRedis) {
                    settings = settings.toBuilder().redisDurable(true).build();
                }
                pool = isolated ? ServerPool.create(settings) : ServerPool.shared();
            }
            return pool;
        }

        synchronized PostgresCluster postgres() {
            if (postgres == null) {
                postgres = pool().createPostgresDatabase(testClass.getSimpleName(), replicas, isolated, null);
            }
            return postgres;
        }

        synchronized RedisServer redis() {
            if (redis == null) {
                redis = pool().createRedisNamespace(testClass.getSimpleName(), isolated, null);
            }
            return redis;
        }

        synchronized KafkaServer kafka() {
            if (kafka == null) {
                kafka = isolated
                        ? KafkaServers.isolated(TestServerSettings.fromEnvironment(), testClass.getSimpleName())
                        : KafkaServers.shared(testClass.getSimpleName());
            }
            return kafka;
        }

        @Override
        public synchronized void close() {
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
            if (redis != null) {
                redis.close();
            }
            if (isolated && pool != null) {
                pool.close();
            }
        }
    }
}
