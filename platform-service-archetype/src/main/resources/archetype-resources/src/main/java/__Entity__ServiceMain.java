package ${package};

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.observability.http.ManagementServer;
import java.util.concurrent.CountDownLatch;

/**
 * Runs ${artifactId} from environment variables until the process is stopped.
 *
 * <pre>
 * PLATFORM_DB_PRIMARY_URL, PLATFORM_DB_REPLICA_URLS, PLATFORM_DB_USERNAME, PLATFORM_DB_PASSWORD, ...
 *                                    the application role's connection (platform-database)
 *                                    the outbox relay connects as PLATFORM_DB_USERNAME + "_relay" with the
 *                                    same password and primary URL (Schema.relayRole)
 * PLATFORM_DB_MIGRATION_USERNAME     when set, migrate the schema first as this (owner) user
 * PLATFORM_DB_MIGRATION_PASSWORD     its password
 * PLATFORM_EVENTS_URL                memory: (default) or redis://host:6379
 * PLATFORM_OUTBOX_*                  the outbox relay's settings (platform-outbox), e.g. PLATFORM_OUTBOX_WORKERS
 * PLATFORM_TEMPORAL_TARGET           host:7233; unset starts the embedded dev server
 * PLATFORM_SERVICE_BIND_ADDRESS      127.0.0.1
 * PLATFORM_SERVICE_PORT              8090
 * PLATFORM_MANAGEMENT_BIND_ADDRESS   127.0.0.1
 * PLATFORM_MANAGEMENT_PORT           8091
 * </pre>
 */
public final class ${Entity}ServiceMain {

    private ${Entity}ServiceMain() {
    }

    /**
     * Starts the service and waits for the process to be stopped (Ctrl-C, SIGTERM).
     *
     * @param args none
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        Settings env = Settings.fromEnvironment();
        DatabaseConfig db;
        ${Entity}Service.Builder builder;
        try {
            db = DatabaseConfig.fromEnvironment().build();
            builder = ${Entity}Service.builder().databaseConfig(db)
                    .bindAddress(env.string("PLATFORM_SERVICE_BIND_ADDRESS").orElse("127.0.0.1"))
                    .port(env.integer("PLATFORM_SERVICE_PORT").orElse(8090))
                    .managementBindAddress(env.string(ManagementServer.ENV_BIND_ADDRESS).orElse("127.0.0.1"))
                    .managementPort(env.integer(ManagementServer.ENV_PORT).orElse(8091));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("${artifactId}: " + e.getMessage());
            System.exit(2);
            return;
        }
        String migrationUser = env.string("PLATFORM_DB_MIGRATION_USERNAME").orElse("");
        if (!migrationUser.isBlank()) {
            Schema.migrate(db.primaryUrl(), migrationUser, env.string("PLATFORM_DB_MIGRATION_PASSWORD").orElse(""),
                    db.username());
        }
        ${Entity}Service service = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "${artifactId}-shutdown"));
        stopped.await();
    }
}
