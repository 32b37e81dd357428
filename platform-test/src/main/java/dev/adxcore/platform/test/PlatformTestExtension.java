package dev.adxcore.platform.test;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link PlatformTest}: resolves {@link PostgresCluster}, {@link RedisServer} and
 * {@link KafkaServer} parameters, one of each per test class (the outermost class carrying the annotation), created on first
 * use and cleaned up after the class. Registering it with {@code @ExtendWith} directly means
 * {@code @PlatformTest} with its defaults.
 *
 * @since 0.1.0
 */
public final class PlatformTestExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PlatformTestExtension.class);

  /**
   * Created by JUnit.
   *
   * @since 0.1.0
   */
  public PlatformTestExtension() {
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == PostgresCluster.class || type == RedisServer.class || type == KafkaServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    ExtensionContext owner = classContext(extensionContext);
    Class<?> testClass = owner.getRequiredTestClass();
    ClassServers servers = owner.getStore(NAMESPACE).getOrComputeIfAbsent(ClassServers.class,
        key -> new ClassServers(testClass, annotation(testClass)), ClassServers.class);
    if (parameterContext.getParameter().getType() == PostgresCluster.class) {
      return servers.postgres();
    }
    if (parameterContext.getParameter().getType() == KafkaServer.class) {
      return servers.kafka();
    }
    return servers.redis();
  }

  /** The context of the outermost test class that carries (or inherits) the annotation. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    while (true) {
      Optional<ExtensionContext> parent = current.getParent();
      if (parent.isEmpty() || parent.get().getTestClass().isEmpty()
          || annotation(parent.get().getRequiredTestClass()) == null) {
        return current;
      }
      current = parent.get();
    }
  }

  private static @Nullable PlatformTest annotation(Class<?> testClass) {
    return AnnotationSupport.findAnnotation(testClass, PlatformTest.class).orElse(null);
  }

  /** What one test class was given; closed by JUnit after the class. */
  static final class ClassServers implements AutoCloseable {
    private final Class<?> testClass;
    private final int replicas;
    private final boolean isolated;
    private @Nullable ServerPool pool;
    private @Nullable PostgresCluster postgres;
    private @Nullable RedisServer redis;
    private @Nullable KafkaServer kafka;

    ClassServers(Class<?> testClass, @Nullable PlatformTest annotation) {
      this.testClass = testClass;
      this.replicas = annotation == null ? 1 : annotation.replicas();
      this.isolated = annotation != null && annotation.isolatedServers();
      if (replicas < 0) {
        throw new IllegalArgumentException("@PlatformTest(replicas = " + replicas + ") on " + testClass.getName()
            + ": replicas must be >= 0");
      }
    }

    private synchronized ServerPool pool() {
      if (pool == null) {
        pool = isolated ? ServerPool.create(TestServerSettings.fromEnvironment()) : ServerPool.shared();
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
        kafka = isolated ? KafkaServers.isolated(TestServerSettings.fromEnvironment(), testClass.getSimpleName())
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
