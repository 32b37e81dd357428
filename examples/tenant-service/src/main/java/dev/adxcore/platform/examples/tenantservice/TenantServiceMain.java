package dev.adxcore.platform.examples.tenantservice;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.examples.tracing.OtlpTracing;
import dev.adxcore.platform.observability.http.ManagementServer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the tenant-service from environment variables until the process is stopped.
 *
 * <pre>
 * PLATFORM_DB_PRIMARY_URL, PLATFORM_DB_REPLICA_URLS, PLATFORM_DB_USERNAME, PLATFORM_DB_PASSWORD, ...
 *                                    the application role's connection (platform-database)
 * PLATFORM_DB_MIGRATION_USERNAME     when set, migrate the schema first as this (owner) user
 * PLATFORM_DB_MIGRATION_PASSWORD     its password
 * PLATFORM_EVENTS_URL                memory: (default) or redis://host:6379
 * PLATFORM_TEMPORAL_TARGET           host:7233; unset starts the embedded dev server
 * PLATFORM_SERVICE_BIND_ADDRESS      127.0.0.1
 * PLATFORM_SERVICE_PORT              8090
 * PLATFORM_MANAGEMENT_BIND_ADDRESS   127.0.0.1
 * PLATFORM_MANAGEMENT_PORT           8091
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME, ...
 *                                    OTLP span export, off unless set ({@link OtlpTracing})
 * </pre>
 *
 * @since 0.1.0
 */
public final class TenantServiceMain {

    private TenantServiceMain() {}

    /**
     * Starts the service and waits for the process to be stopped (Ctrl-C, SIGTERM).
     *
     * @param args none
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        // Before anything reads GlobalOpenTelemetry: OTLP export when OTEL_* settings ask for it.
        OtlpTracing.installIfConfigured("tenant-service");
        Map<String, String> env = System.getenv();
        DatabaseConfig db;
        try {
            db = DatabaseConfig.fromEnvironment().build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("tenant-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        String migrationUser = env.get("PLATFORM_DB_MIGRATION_USERNAME");
        if (migrationUser != null && !migrationUser.isBlank()) {
            TenantSchema.migrate(
                    db.primaryUrl(),
                    migrationUser,
                    env.getOrDefault("PLATFORM_DB_MIGRATION_PASSWORD", ""),
                    db.username());
        }
        TenantService.Builder builder = TenantService.builder()
                .databaseConfig(db)
                .bindAddress(env.getOrDefault("PLATFORM_SERVICE_BIND_ADDRESS", "127.0.0.1"))
                .port(Integer.parseInt(env.getOrDefault("PLATFORM_SERVICE_PORT", "8090")))
                .managementBindAddress(env.getOrDefault(ManagementServer.ENV_BIND_ADDRESS, "127.0.0.1"))
                .managementPort(Integer.parseInt(env.getOrDefault(ManagementServer.ENV_PORT, "8091")));
        TenantService service = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            stopped.countDown();
                        },
                        "tenant-service-shutdown"));
        stopped.await();
    }
}
