package dev.adxcore.platform.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthStatus;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.outbox.OutboxSchema;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every condition and back-off of the outbox auto-configuration, against the test kit's real PostgreSQL with the
 * outbox schema applied by the superuser (the tables' owner), an application role and a relay role (both
 * NOSUPERUSER NOBYPASSRLS, as platform-outbox requires).
 */
@PlatformTest(replicas = 0)
class PlatformOutboxAutoConfigurationTest {

    private static final AutoConfigurations ALL = AutoConfigurations.of(
            PlatformDatabaseAutoConfiguration.class,
            PlatformEventsAutoConfiguration.class,
            PlatformOutboxAutoConfiguration.class,
            PlatformHealthAutoConfiguration.class);
    private static final String PASSWORD = "outbox-test-password";

    private static PostgresCluster pg;
    private static String appRole;
    private static String relayRole;
    private static String[] database;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);

    @BeforeAll
    static void schema(PostgresCluster cluster) throws SQLException {
        pg = cluster;
        String base = pg.databaseName().toLowerCase().replaceAll("[^a-z0-9_]", "_");
        base = base.length() > 40 ? base.substring(base.length() - 40) : base;
        appRole = "sapp_" + base;
        relayRole = "srelay_" + base;
        try (Connection c = pg.openPrimary();
                Statement st = c.createStatement()) {
            for (String role : List.of(appRole, relayRole)) {
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                    if (!rs.next()) {
                        st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS");
                    }
                }
                st.execute("ALTER ROLE " + role + " PASSWORD '" + PASSWORD + "'");
            }
            st.execute("GRANT USAGE ON SCHEMA public TO " + appRole + ", " + relayRole);
            OutboxSchema.apply(c, appRole, relayRole);
        }
        List<String> p = new ArrayList<>(List.of(Kit.database(pg)));
        p.removeIf(s -> s.startsWith("platform.database.username=")
                || s.startsWith("platform.database.password=")
                || s.startsWith("platform.database.role-check="));
        p.add("platform.database.username=" + appRole);
        p.add("platform.database.password=" + PASSWORD);
        database = p.toArray(String[]::new);
    }

    @Test
    void outboxAndInboxAreBuiltOnTheApplicationsDatabaseManager() {
        runner.withPropertyValues(database).run(ctx -> {
            assertThat(ctx)
                    .hasNotFailed()
                    .hasSingleBean(Outbox.class)
                    .hasSingleBean(Inbox.class)
                    .doesNotHaveBean(OutboxRelay.class);
            assertThat(ctx).getBeans(DatabaseManager.class).hasSize(1);
        });
    }

    @Test
    void noOutboxWithoutDatabaseManager() {
        runner.run(ctx ->
                assertThat(ctx).hasNotFailed().doesNotHaveBean(Outbox.class).doesNotHaveBean(Inbox.class));
    }

    @Test
    void noOutboxWithoutPlatformOutboxJar() {
        runner.withClassLoader(new FilteredClassLoader(Outbox.class))
                .withPropertyValues(database)
                .withPropertyValues(relay())
                .run(ctx -> assertThat(ctx)
                        .hasNotFailed()
                        .hasSingleBean(DatabaseManager.class)
                        .doesNotHaveBean("outbox")
                        .doesNotHaveBean("inbox")
                        .doesNotHaveBean("outboxRelay"));
    }

    @Test
    void outboxCanBeSwitchedOff() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withPropertyValues("platform.outbox.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .hasNotFailed()
                        .doesNotHaveBean(Outbox.class)
                        .doesNotHaveBean(Inbox.class)
                        .doesNotHaveBean(OutboxRelay.class));
    }

    @Test
    void outboxAndInboxBackOffForTheApplicationsOwn() {
        runner.withPropertyValues(database)
                .withUserConfiguration(OwnOutbox.class)
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(Outbox.class)
                            .hasBean("myOutbox")
                            .hasSingleBean(Inbox.class)
                            .hasBean("myInbox");
                });
    }

    @Test
    void noRelayWithoutTheRelayRole() {
        runner.withPropertyValues(database)
                .run(ctx -> assertThat(ctx)
                        .hasNotFailed()
                        .doesNotHaveBean(OutboxRelay.class)
                        .doesNotHaveBean(OutboxRelayConfig.class));
    }

    @Test
    void noRelayWithoutAnEventBus() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withPropertyValues("platform.events.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .hasNotFailed()
                        .hasSingleBean(Outbox.class)
                        .doesNotHaveBean(OutboxRelay.class));
    }

    @Test
    void relayBacksOffForTheApplicationsOwn() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withUserConfiguration(OwnRelay.class)
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(OutboxRelay.class)
                            .hasBean("myRelay");
                    assertThat(ctx.getBean(OutboxRelay.class).config().name()).isEqualTo("mine");
                    assertThat(ctx).getBeans(DatabaseManager.class).hasSize(1);
                });
    }

    @Test
    void relayUsesTheApplicationsOwnRelayConfig() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withBean(
                        OutboxRelayConfig.class,
                        () -> OutboxRelayConfig.builder().name("own-config").build())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(OutboxRelay.class).config().name()).isEqualTo("own-config");
                });
    }

    @Test
    void refusedRelayPropertyFailsWithTheSdksMessage() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withPropertyValues("platform.outbox.relay.partitions-per-batch=65")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("partitionsPerBatch");
                });
    }

    @Test
    void relayPoolSmallerThanWorkersPlusTwoIsRefusedNamingTheProperty() {
        runner.withPropertyValues(database)
                .withPropertyValues(relay())
                .withPropertyValues("platform.outbox.relay.workers=2", "platform.outbox.relay.max-connections=3")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining(
                                    "platform.outbox.relay.max-connections must be at least workers + 2 = 4");
                });
    }

    @Test
    void relayConnectingAsTheApplicationRoleIsRefused() {
        runner.withPropertyValues(database)
                .withPropertyValues("platform.outbox.relay.username=" + appRole)
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("is not the outbox relay role");
                });
    }

    /**
     * The whole path: an event recorded in a committed unit of the application role reaches a subscriber of the
     * application's bus through the auto-configured relay, woken at commit (its poll interval is an hour) — directly
     * by a unit of this JVM (platform-outbox's local wake-up), and by LISTEN/NOTIFY for a unit of a process without
     * a relay (a recorder on another URL of the same database stands in for it) — and the relay stops with the
     * context.
     */
    @Test
    void aRecordedEventOfACommittedUnitReachesASubscriberThroughTheRelayWokenAtCommit() {
        String name = "relay-" + UUID.randomUUID().toString().substring(0, 8);
        runner.withUserConfiguration(Meters.class)
                .withPropertyValues(database)
                .withPropertyValues(relay())
                .withPropertyValues("platform.outbox.relay.name=" + name, "platform.outbox.relay.poll-interval=1h")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(OutboxRelay.class);
                    OutboxRelay relay = ctx.getBean(OutboxRelay.class);
                    assertThat(relay.config().name()).isEqualTo(name);
                    assertThat(ctx.getBean(HealthRegistry.class).names()).contains("outbox." + name);
                    assertThat(ctx.getBean(MeterRegistry.class)
                                    .find("platform.outbox.pending")
                                    .tag("relay", name)
                                    .gauge())
                            .isNotNull();
                    List<Event> received = new CopyOnWriteArrayList<>();
                    ctx.getBean(EventBus.class)
                            .subscribe(EventSubscription.builder("spring-outbox-test", received::add)
                                    .build());
                    awaitListening();

                    Event local =
                            recordAndAwait(ctx.getBean(DatabaseManager.class), ctx.getBean(Outbox.class), received);
                    assertThat(local.data()).isEqualTo("{\"n\":1}");

                    String url = property("platform.database.primary-url");
                    String hostAndPort = url.substring(
                            "jdbc:postgresql://".length(), url.indexOf('/', "jdbc:postgresql://".length()));
                    try (DatabaseManager elsewhere = DatabaseManager.create(DatabaseConfig.builder()
                            .name("writer-only")
                            .primaryUrl(url.replace(hostAndPort, hostAndPort + "," + hostAndPort))
                            .username(appRole)
                            .password(PASSWORD)
                            .minConnections(1)
                            .maxConnections(1)
                            .build())) {
                        recordAndAwait(elsewhere, Outbox.create(elsewhere), received);
                    }
                    ctx.close();
                    assertThat(relay.healthChecks().get(0).check().status()).isEqualTo(HealthStatus.DOWN);
                });
    }

    private static Event recordAndAwait(DatabaseManager db, Outbox outbox, List<Event> received) {
        UUID tenant = UUID.randomUUID();
        Event event = Event.builder("thing.happened")
                .tenantId(tenant)
                .aggregate("thing", tenant.toString())
                .data("{\"n\":1}")
                .build();
        db.inTransaction(tenant, h -> {
            outbox.record(event);
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(e -> e.id().equals(event.id())));
        Event delivered = received.stream()
                .filter(e -> e.id().equals(event.id()))
                .findFirst()
                .orElseThrow();
        assertThat(delivered.tenantId()).hasValue(tenant);
        return delivered;
    }

    /** Waits until the relay's connection has run LISTEN, so that the commit's notification cannot be missed. */
    private static void awaitListening() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = pg.openPrimary();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + relayRole
                            + "' AND query LIKE 'LISTEN %' AND state = 'idle'")) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }

    private static String[] relay() {
        return new String[] {"platform.outbox.relay.username=" + relayRole};
    }

    private static String property(String name) {
        for (String p : database) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException(name);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnOutbox {
        @Bean
        Outbox myOutbox(DatabaseManager db) {
            return Outbox.create(db);
        }

        @Bean
        Inbox myInbox(DatabaseManager db) {
            return Inbox.create(db);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRelay implements DisposableBean {
        private final DatabaseManager relayDb = DatabaseManager.create(DatabaseConfig.builder()
                .name("own-relay")
                .primaryUrl(property("platform.database.primary-url"))
                .username(relayRole)
                .password(PASSWORD)
                .minConnections(1)
                .maxConnections(3)
                .build());

        @Bean(destroyMethod = "close")
        OutboxRelay myRelay(EventBus bus) {
            return OutboxRelay.create(
                    relayDb, bus, OutboxRelayConfig.builder().name("mine").build());
        }

        @Override
        public void destroy() {
            relayDb.close();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
