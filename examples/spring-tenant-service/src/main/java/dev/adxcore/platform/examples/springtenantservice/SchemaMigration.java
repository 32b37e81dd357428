package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.outbox.OutboxSchema;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Applies {@code classpath:db/spring-tenant-service} and platform-outbox's migrations as the owning role
 * ({@code tenant-service.migration.username}), granting row access to the application role the service connects as
 * and outbox access to the relay role ({@code platform.outbox.relay.username}, default {@code <application role>_relay}).
 * It runs as soon as the {@link DatabaseConfig} exists, so before any {@code DatabaseManager}, {@code Outbox} or
 * request can use the schema. Only when an owner is configured: in production the migrations run as a deployment
 * step instead.
 */
@Component
@ConditionalOnProperty(prefix = "tenant-service.migration", name = "username")
class SchemaMigration implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Environment environment;

    SchemaMigration(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DatabaseConfig database) {
            migrate(database);
        }
        return bean;
    }

    private void migrate(DatabaseConfig database) {
        String app = role("platform.database.username", database.username());
        String relay = role(
                "platform.outbox.relay.username",
                environment.getProperty("platform.outbox.relay.username", app + "_relay"));
        String owner = environment.getRequiredProperty("tenant-service.migration.username");
        String ownerPassword = environment.getProperty("tenant-service.migration.password", "");
        var result = Flyway.configure()
                .dataSource(database.primaryUrl(), owner, ownerPassword)
                // its own folder, not db/migration: the demo's jar (the tour, on the test class path) holds the plain
                // service's db/migration, and Flyway would find two version 1s
                .locations("classpath:db/spring-tenant-service")
                .placeholders(Map.of("app_role", app))
                .load()
                .migrate();
        var outbox = Flyway.configure()
                .dataSource(database.primaryUrl(), owner, ownerPassword)
                .locations("classpath:" + OutboxSchema.MIGRATION_LOCATION)
                .table("platform_outbox_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(Map.of("app_role", app, "relay_role", relay))
                .load()
                .migrate();
        log.info(
                "Schema migrated to version {} ({} migration(s) applied), outbox to version {} ({})",
                result.targetSchemaVersion,
                result.migrationsExecuted,
                outbox.targetSchemaVersion,
                outbox.migrationsExecuted);
    }

    private static String role(String property, String role) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException(property + " must be a plain lower-case SQL identifier such as "
                    + "tenant_app, since the migration grants to it (was '" + role + "')");
        }
        return role;
    }
}
