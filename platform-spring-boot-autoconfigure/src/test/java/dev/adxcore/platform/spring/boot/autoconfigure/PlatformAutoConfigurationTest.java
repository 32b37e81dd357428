package dev.adxcore.platform.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every condition and back-off of the database, events and health auto-configuration, against the test kit's real
 * PostgreSQL primary with a streaming replica.
 */
@PlatformTest(replicas = 1)
class PlatformAutoConfigurationTest {

    private static final AutoConfigurations ALL = AutoConfigurations.of(
            PlatformContextAutoConfiguration.class,
            PlatformDatabaseAutoConfiguration.class,
            PlatformEventsAutoConfiguration.class,
            PlatformTemporalAutoConfiguration.class,
            PlatformHealthAutoConfiguration.class);

    private static String[] database;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);

    @BeforeAll
    static void servers(PostgresCluster pg) {
        database = Kit.database(pg);
    }

    @Test
    void databaseManagerIsBuiltFromPropertiesWithMetersOnTheApplicationsRegistry() {
        runner.withUserConfiguration(Meters.class).withPropertyValues(database).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(DatabaseManager.class);
            DatabaseManager db = ctx.getBean(DatabaseManager.class);
            assertThat(db.config().name()).isEqualTo("app");
            assertThat(db.config().replicaUrls()).hasSize(1);
            Integer one = db.readWithoutTenant(
                    dev.adxcore.platform.database.ReadConsistency.latest(),
                    h -> h.queryOne("SELECT 1", rs -> rs.getInt(1)).orElseThrow());
            assertThat(one).isEqualTo(1);
            assertThat(ctx.getBean(MeterRegistry.class)
                            .find("platform.db.replica.available")
                            .gauge())
                    .isNotNull();
        });
    }

    @Test
    void waitBoundsComeFromPropertiesInTheSdksDurationGrammar() {
        runner.withPropertyValues(database)
                .withPropertyValues("platform.database.socket-timeout=12s", "platform.database.acquire-timeout=1500ms")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    DatabaseConfig config = ctx.getBean(DatabaseConfig.class);
                    assertThat(config.socketTimeout()).isEqualTo(java.time.Duration.ofSeconds(12));
                    assertThat(config.acquireTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
                });
        runner.withPropertyValues(database)
                .withPropertyValues("platform.database.socket-timeout=12")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("platform.database.socket-timeout"));
    }

    @Test
    void noDatabaseManagerWithoutPrimaryUrl() {
        runner.run(ctx -> assertThat(ctx)
                .hasNotFailed()
                .doesNotHaveBean(DatabaseManager.class)
                .doesNotHaveBean(DatabaseConfig.class));
    }

    @Test
    void noDatabaseManagerWithoutPlatformDatabaseJar() {
        runner.withClassLoader(new FilteredClassLoader(DatabaseManager.class))
                .withPropertyValues(database)
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("databaseManager"));
    }

    @Test
    void databaseManagerBacksOffForTheApplicationsOwn() {
        runner.withPropertyValues(database)
                .withBean(
                        "myManager",
                        DatabaseManager.class,
                        () -> DatabaseManager.create(DatabaseConfig.builder()
                                .name("mine")
                                .primaryUrl(propertyValue("platform.database.primary-url"))
                                .username(propertyValue("platform.database.username"))
                                .password(propertyValue("platform.database.password"))
                                .roleCheck(DatabaseConfig.RoleCheck.WARN)
                                .minConnections(1)
                                .maxConnections(1)
                                .build()))
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(DatabaseManager.class)
                            .hasBean("myManager");
                    assertThat(ctx.getBean(DatabaseManager.class).config().name())
                            .isEqualTo("mine");
                });
    }

    @Test
    void databaseManagerUsesTheApplicationsOwnConfig() {
        runner.withBean(
                        DatabaseConfig.class,
                        () -> DatabaseConfig.builder()
                                .name("own")
                                .primaryUrl(propertyValue("platform.database.primary-url"))
                                .username(propertyValue("platform.database.username"))
                                .password(propertyValue("platform.database.password"))
                                .roleCheck(DatabaseConfig.RoleCheck.WARN)
                                .minConnections(1)
                                .maxConnections(1)
                                .build())
                .run(ctx -> assertThat(
                                ctx.getBean(DatabaseManager.class).config().name())
                        .isEqualTo("own"));
    }

    @Test
    void refusedDatabasePropertyFailsWithTheSdksMessage() {
        runner.withPropertyValues(database)
                .withPropertyValues("platform.database.min-connections=5", "platform.database.max-connections=2")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("maxConnections")
                            .hasMessageContaining("minConnections");
                    assertThat(ctx.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
                });
    }

    @Test
    void eventBusIsOpenedByUriThroughTheProviderSpi() {
        runner.withPropertyValues("platform.events.url=memory:").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(EventBus.class);
            assertThat(ctx.getBean(EventBus.class).getClass().getName()).containsIgnoringCase("memory");
        });
    }

    @Test
    void unknownEventBusSchemeFailsNamingTheJarToAdd() {
        runner.withPropertyValues("platform.events.url=kafka://127.0.0.1:9092")
                .withClassLoader(new FilteredClassLoader("dev.adxcore.platform.events.kafka"))
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
                    Throwable t = ctx.getStartupFailure();
                    while (!(t instanceof PlatformConfigurationException) && t.getCause() != null) {
                        t = t.getCause();
                    }
                    assertThat(t)
                            .isInstanceOf(PlatformConfigurationException.class)
                            .hasMessageContaining("No EventBusProvider supports");
                    assertThat(((PlatformConfigurationException) t).prefix()).isEqualTo("platform.events");
                });
    }

    @Test
    void eventBusBacksOffForTheApplicationsOwn() {
        runner.withBean("myBus", EventBus.class, () -> EventBuses.open("memory:"))
                .run(ctx -> assertThat(ctx).hasSingleBean(EventBus.class).hasBean("myBus"));
    }

    @Test
    void eventBusCanBeSwitchedOff() {
        runner.withPropertyValues("platform.events.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(EventBus.class));
    }

    @Test
    void noEventBusWithoutPlatformEventsJar() {
        runner.withClassLoader(new FilteredClassLoader(EventBuses.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("eventBus"));
    }

    @Test
    void healthRegistryHoldsTheDatabaseTheBusAndTheApplicationsChecks() {
        runner.withPropertyValues(database)
                .withBean("cacheCheck", HealthCheck.class, () -> HealthCheck.nonCritical("cache", HealthResult::up))
                .run(ctx -> {
                    HealthRegistry registry = ctx.getBean(HealthRegistry.class);
                    assertThat(registry.names()).contains("cache", "app.primary", "app-replica-1", "events.memory");
                    HealthIndicator readiness = ctx.getBean("platformReadinessHealthIndicator", HealthIndicator.class);
                    assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
                    assertThat(readiness.health().getDetails()).containsKey("cache");
                    assertThat(ctx).hasBean("platformLivenessHealthIndicator");
                });
    }

    @Test
    void healthRegistryBacksOffForTheApplicationsOwn() {
        runner.withBean(
                        "myHealth",
                        HealthRegistry.class,
                        () -> HealthRegistry.builder().build())
                .run(ctx -> assertThat(ctx).hasSingleBean(HealthRegistry.class).hasBean("myHealth"));
    }

    @Test
    void healthCanBeSwitchedOff() {
        runner.withPropertyValues("platform.health.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .doesNotHaveBean(HealthRegistry.class)
                        .doesNotHaveBean("platformReadinessHealthIndicator"));
    }

    @Test
    void noActuatorContributorsWithoutSpringBootHealth() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(ctx -> assertThat(ctx)
                        .hasSingleBean(HealthRegistry.class)
                        .doesNotHaveBean("platformReadinessHealthIndicator"));
    }

    @Test
    void refusedHealthDurationNamesTheProperty() {
        runner.withPropertyValues("platform.health.timeout=2").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("platform.health.timeout");
        });
    }

    private static String propertyValue(String name) {
        String prefix = name + "=";
        for (String p : database) {
            if (p.startsWith(prefix)) {
                return p.substring(prefix.length());
            }
        }
        throw new IllegalStateException(name);
    }

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
