package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.HealthContribution;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.OutboxRelayDatabase;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.OutboxRelayLifecycle;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.Props;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The transactional outbox (platform-outbox on the classpath, a {@link DatabaseManager} bean): the {@link Outbox}
 * that records an event in the write's own unit of work and the {@link Inbox} that makes a consumer's effect happen
 * once. With {@code platform.outbox.relay.username} set and an {@link EventBus} bean, also an {@link OutboxRelay}
 * on its own pool connected as that relay role (the application's URL, password unless
 * {@code platform.outbox.relay.password} is set, no replicas, {@code workers + 2} connections), publishing committed
 * events to the bus; it starts with the context (before the web server takes requests), stops after the last
 * request, and its health check joins the platform's registry. Each bean backs off when the application defines
 * its own; {@code platform.outbox.enabled=false} switches all of it off.
 *
 * <p>The outbox schema must exist before the {@code Outbox} bean is created ({@code Outbox.create} checks the
 * application role against it): migrate first, as the example's migration does.
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The relay and its own pool are the expensive
 * part ({@code workers + 2} connections and as many threads): one per application context, closed with it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {PlatformDatabaseAutoConfiguration.class, PlatformEventsAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(Outbox.class)
@ConditionalOnBooleanProperty(name = "platform.outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PlatformOutboxProperties.class)
public final class PlatformOutboxAutoConfiguration {

    private static final String PREFIX = "platform.outbox.relay";

    /** Created by Spring. */
    public PlatformOutboxAutoConfiguration() {}

    /**
     * The recorder, checked against the schema: its role must not be able to read every tenant's outbox rows.
     *
     * @param db the application's database manager
     * @return the outbox
     * @throws dev.adxcore.platform.database.UnsafeRoleException when the application role is a member of the relay
     *     role
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DatabaseManager.class)
    public Outbox outbox(DatabaseManager db) {
        return Outbox.create(db);
    }

    /**
     * The inbox on the application's database: wrap a handler with {@code inbox.subscription(id, handler)}.
     *
     * @param db the application's database manager
     * @return the inbox
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DatabaseManager.class)
    public Inbox inbox(DatabaseManager db) {
        return Inbox.create(db);
    }

    /**
     * The relay, when {@code platform.outbox.relay.username} names the relay role, a {@link DatabaseManager} and an
     * {@link EventBus} exist and the application defines no relay of its own.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = PREFIX, name = "username")
    @ConditionalOnBean({DatabaseManager.class, EventBus.class})
    @ConditionalOnMissingBean(OutboxRelay.class)
    static class RelayConfiguration {

        @Bean
        @ConditionalOnMissingBean
        OutboxRelayConfig platformOutboxRelayConfig(
                PlatformOutboxProperties properties, ObjectProvider<MeterRegistry> meters) {
            PlatformOutboxProperties.Relay p = properties.getRelay();
            return Props.validated(PREFIX, () -> {
                OutboxRelayConfig.Builder b = OutboxRelayConfig.builder();
                if (p.getName() != null) {
                    b.name(p.getName());
                }
                if (p.getBatchSize() != null) {
                    b.batchSize(p.getBatchSize());
                }
                if (p.getPartitionsPerBatch() != null) {
                    b.partitionsPerBatch(p.getPartitionsPerBatch());
                }
                if (p.getWorkers() != null) {
                    b.workers(p.getWorkers());
                }
                if (p.getListen() != null) {
                    b.listen(p.getListen());
                }
                if (p.getMaxAttempts() != null) {
                    b.maxAttempts(p.getMaxAttempts());
                }
                if (p.getPurgeBatchSize() != null) {
                    b.purgeBatchSize(p.getPurgeBatchSize());
                }
                Props.duration(PREFIX + ".poll-interval", p.getPollInterval(), b::pollInterval);
                Props.duration(PREFIX + ".publish-timeout", p.getPublishTimeout(), b::publishTimeout);
                Props.duration(PREFIX + ".min-backoff", p.getMinBackoff(), b::minBackoff);
                Props.duration(PREFIX + ".max-backoff", p.getMaxBackoff(), b::maxBackoff);
                Props.duration(PREFIX + ".published-retention", p.getPublishedRetention(), b::publishedRetention);
                Props.duration(PREFIX + ".inbox-retention", p.getInboxRetention(), b::inboxRetention);
                Props.duration(PREFIX + ".purge-interval", p.getPurgeInterval(), b::purgeInterval);
                Props.duration(PREFIX + ".stats-interval", p.getStatsInterval(), b::statsInterval);
                Props.duration(PREFIX + ".max-pending-age", p.getMaxPendingAge(), b::maxPendingAge);
                MeterRegistry registry = meters.getIfAvailable();
                if (registry != null) {
                    b.meterRegistry(registry);
                }
                return b.build();
            });
        }

        @Bean(destroyMethod = "close")
        OutboxRelayDatabase platformOutboxRelayDatabase(
                DatabaseManager db, OutboxRelayConfig config, PlatformOutboxProperties properties) {
            PlatformOutboxProperties.Relay p = properties.getRelay();
            int needed = config.workers() + 2;
            Integer max = p.getMaxConnections();
            if (max != null && max < needed) {
                throw new PlatformConfigurationException(
                        PREFIX,
                        new IllegalArgumentException(
                                "platform.outbox.relay.max-connections must be at least workers + 2 = " + needed
                                        + " (a connection per relay worker, the LISTEN connection and maintenance); was "
                                        + max
                                        + ". Raise it or lower platform.outbox.relay.workers"));
            }
            DatabaseConfig app = db.config();
            String username = p.getUsername();
            DatabaseConfig relay = Props.validated(PREFIX, () -> {
                DatabaseConfig.Builder b = app.toBuilder()
                        .name(app.name() + "-outbox-relay")
                        .replicaUrls(List.of())
                        .minConnections(1)
                        .maxConnections(max != null ? max : needed);
                if (username != null) {
                    b.username(username);
                }
                if (p.getPassword() != null) {
                    b.password(p.getPassword());
                }
                return b.build();
            });
            return new OutboxRelayDatabase(DatabaseManager.create(relay));
        }

        @Bean(destroyMethod = "close")
        OutboxRelay outboxRelay(OutboxRelayDatabase relayDb, EventBus bus, OutboxRelayConfig config) {
            return OutboxRelay.create(relayDb.manager(), bus, config);
        }

        @Bean
        OutboxRelayLifecycle platformOutboxRelayLifecycle(OutboxRelay relay) {
            return new OutboxRelayLifecycle(relay);
        }

        @Bean
        HealthContribution platformOutboxHealthChecks(OutboxRelay relay) {
            return relay::healthChecks;
        }
    }
}
