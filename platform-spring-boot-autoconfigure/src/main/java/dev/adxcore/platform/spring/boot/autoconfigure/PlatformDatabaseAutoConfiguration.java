package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.HealthContribution;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.Props;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link DatabaseManager} (platform-database on the classpath): a {@link DatabaseConfig} from
 * {@code platform.database.*} when {@code platform.database.primary-url} is set, or the application's own
 * {@code DatabaseConfig} bean; metrics on the application's {@link MeterRegistry}; its health checks in the
 * platform's health registry. Backs off for each bean the application defines itself.
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The manager it creates is the expensive part (a
 * connection pool per server and a replica monitor): one per application context, closed with it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(DatabaseManager.class)
@EnableConfigurationProperties(PlatformDatabaseProperties.class)
public final class PlatformDatabaseAutoConfiguration {

    private static final String PREFIX = "platform.database";

    /** Created by Spring. */
    public PlatformDatabaseAutoConfiguration() {}

    /**
     * The database configuration from {@code platform.database.*}, validated by the SDK.
     *
     * @param p the bound properties
     * @param meters the application's meter registry, if any
     * @return the configuration
     * @throws PlatformConfigurationException when the SDK refuses a value; the message is the SDK's
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = PREFIX, name = "primary-url")
    public DatabaseConfig platformDatabaseConfig(PlatformDatabaseProperties p, ObjectProvider<MeterRegistry> meters) {
        return Props.validated(PREFIX, () -> {
            DatabaseConfig.Builder b = DatabaseConfig.builder();
            if (p.getName() != null) {
                b.name(p.getName());
            }
            if (p.getPrimaryUrl() != null) {
                b.primaryUrl(p.getPrimaryUrl());
            }
            if (!p.getReplicaUrls().isEmpty()) {
                b.replicaUrls(p.getReplicaUrls());
            }
            if (p.getUsername() != null) {
                b.username(p.getUsername());
            }
            if (p.getPassword() != null) {
                b.password(p.getPassword());
            }
            if (p.getMinConnections() != null) {
                b.minConnections(p.getMinConnections());
            }
            if (p.getMaxConnections() != null) {
                b.maxConnections(p.getMaxConnections());
            }
            Props.duration(PREFIX + ".acquire-timeout", p.getAcquireTimeout(), b::acquireTimeout);
            Props.duration(PREFIX + ".socket-timeout", p.getSocketTimeout(), b::socketTimeout);
            Props.duration(
                    PREFIX + ".replica-recheck-interval", p.getReplicaRecheckInterval(), b::replicaRecheckInterval);
            Props.duration(PREFIX + ".max-replica-lag", p.getMaxReplicaLag(), b::maxReplicaLag);
            if (p.getRoleCheck() != null) {
                b.roleCheck(
                        Settings.parseEnum(PREFIX + ".role-check", p.getRoleCheck(), DatabaseConfig.RoleCheck.class));
            }
            if (p.getTenantColumn() != null) {
                b.tenantColumn(p.getTenantColumn());
            }
            p.getDriverProperties().forEach(b::driverProperty);
            MeterRegistry registry = meters.getIfAvailable();
            if (registry != null) {
                b.meterRegistry(registry);
            }
            return b.build();
        });
    }

    /**
     * The manager: pools to the primary and replicas, tenant-scoped work, the row-level-security role check at
     * start-up. Closed with the context.
     *
     * @param config the configuration
     * @return the manager
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(DatabaseConfig.class)
    public DatabaseManager databaseManager(DatabaseConfig config) {
        return Props.validated(PREFIX, () -> DatabaseManager.create(config));
    }

    /**
     * The manager's checks (primary, each replica) for the platform's health registry.
     *
     * @param manager the manager
     * @return its checks
     */
    @Bean
    @ConditionalOnBean(DatabaseManager.class)
    public HealthContribution platformDatabaseHealthChecks(DatabaseManager manager) {
        return manager::healthChecks;
    }
}
