package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.database.DatabaseConfig;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Applies {@code classpath:db/migration} as the owning role ({@code tenant-service.migration.username}) before the
 * service takes requests, granting row access to the application role the service connects as. Only when an owner
 * is configured: in production the migrations run as a deployment step instead.
 */
@Component
@ConditionalOnProperty(prefix = "tenant-service.migration", name = "username")
class SchemaMigration implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DatabaseConfig database;
    private final String owner;
    private final String ownerPassword;

    SchemaMigration(DatabaseConfig database, @Value("${tenant-service.migration.username}") String owner,
            @Value("${tenant-service.migration.password:}") String ownerPassword) {
        this.database = database;
        this.owner = owner;
        this.ownerPassword = ownerPassword;
    }

    @Override
    public void afterPropertiesSet() {
        if (!ROLE.matcher(database.username()).matches()) {
            throw new IllegalArgumentException("platform.database.username must be a plain lower-case SQL identifier "
                    + "such as tenant_app, since the migration grants to it (was '" + database.username() + "')");
        }
        var result = Flyway.configure().dataSource(database.primaryUrl(), owner, ownerPassword)
                .locations("classpath:db/migration").placeholders(Map.of("app_role", database.username())).load()
                .migrate();
        log.info("Schema migrated to version {} ({} migration(s) applied)", result.targetSchemaVersion,
                result.migrationsExecuted);
    }
}
