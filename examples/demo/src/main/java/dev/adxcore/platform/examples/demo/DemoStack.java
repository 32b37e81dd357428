package dev.adxcore.platform.examples.demo;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.examples.gateway.ApiGateway;
import dev.adxcore.platform.examples.gateway.DevTokens;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.examples.tenantservice.TenantSchema;
import dev.adxcore.platform.examples.tenantservice.TenantService;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the demo runs, in one JVM: PostgreSQL (embedded, or the servers named by {@code PLATFORM_DB_*}),
 * the event bus ({@code PLATFORM_EVENTS_URL}, default in memory), Temporal ({@code PLATFORM_TEMPORAL_TARGET},
 * default the embedded dev server), the tenant-service and the api-gateway routing {@code /api/v1/users/**}
 * to it. {@link #close()} stops them in reverse order. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class DemoStack implements AutoCloseable {

    /** The application role the service connects as on the embedded database. */
    public static final String APP_ROLE = "tenant_app";

    private static final Logger log = LoggerFactory.getLogger(DemoStack.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private final String databaseDescription;
    private final TenantService service;
    private final ApiGateway gateway;
    private final TemporalConnection temporal;
    private final EventBus bus;
    private boolean closed;

    private DemoStack(Options options, Map<String, String> env) {
        boolean ok = false;
        try {
            DatabaseConfig db;
            String primary = env.get("PLATFORM_DB_PRIMARY_URL");
            if (primary != null && !primary.isBlank()) {
                db = DatabaseConfig.fromEnvironment(env).name("users").build();
                String owner = env.get("PLATFORM_DB_MIGRATION_USERNAME");
                if (owner != null && !owner.isBlank()) {
                    TenantSchema.migrate(
                            db.primaryUrl(),
                            owner,
                            env.getOrDefault("PLATFORM_DB_MIGRATION_PASSWORD", ""),
                            db.username());
                }
                databaseDescription =
                        db.primaryUrl() + " (+" + db.replicaUrls().size() + " replica(s)) as " + db.username();
            } else {
                db = embeddedDatabase();
                databaseDescription = "embedded PostgreSQL " + db.primaryUrl() + " as " + db.username();
            }
            String eventsUrl = env.getOrDefault(EventBuses.ENV_URL, "memory:");
            this.bus = EventBuses.open(
                    eventsUrl.isBlank() ? "memory:" : eventsUrl.trim(),
                    EventBusOptions.builder().serviceName(TenantService.NAME).build());
            started.add(bus);
            TemporalConfig.Builder temporalConfig = TemporalConfig.fromEnvironment(Settings.of(env));
            if (!env.containsKey("PLATFORM_TEMPORAL_TASK_QUEUE")) {
                temporalConfig.taskQueue("tenant-service");
            }
            if (!env.containsKey("PLATFORM_TEMPORAL_EMBEDDED_PORT")) {
                temporalConfig.embeddedPort(options.temporalPort);
            }
            this.temporal = TemporalConnection.open(temporalConfig.build());
            started.add(temporal);
            this.service = TenantService.builder()
                    .databaseConfig(db)
                    .eventBus(bus)
                    .temporal(temporal)
                    .port(options.servicePort)
                    .managementPort(options.managementPort)
                    .start();
            started.add(service);
            this.gateway = ApiGateway.start(GatewayConfig.builder()
                    .bindAddress("127.0.0.1")
                    .port(options.gatewayPort)
                    .route("users", service.uri().toString(), Duration.ofSeconds(30))
                    .jwtSecret(DevTokens.DEV_SECRET)
                    .jwtIssuer(DevTokens.DEV_ISSUER)
                    .jwtAudience(DevTokens.DEV_AUDIENCE)
                    .build());
            started.add(gateway);
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /**
     * Starts the stack.
     *
     * @param options ports
     * @param env the environment ({@code PLATFORM_DB_*}, {@code PLATFORM_EVENTS_URL}, {@code PLATFORM_TEMPORAL_*})
     * @return the running stack
     */
    public static DemoStack start(Options options, Map<String, String> env) {
        return new DemoStack(Objects.requireNonNull(options, "options"), Objects.requireNonNull(env, "env"));
    }

    private DatabaseConfig embeddedDatabase() {
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL: " + e.getMessage(), e);
        }
        started.add(pg);
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try (Connection admin = pg.getPostgresDatabase().getConnection()) {
            TenantSchema.createApplicationRole(admin, APP_ROLE, password);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the application role: " + e.getMessage(), e);
        }
        TenantSchema.migrate(url, "postgres", "", APP_ROLE);
        return DatabaseConfig.builder()
                .name("users")
                .primaryUrl(url)
                .username(APP_ROLE)
                .password(password)
                .minConnections(2)
                .maxConnections(16)
                .build();
    }

    /** @return the gateway's base URI */
    public URI gatewayUri() {
        return gateway.uri();
    }

    /** @return the tenant-service's API base URI (behind the gateway) */
    public URI serviceUri() {
        return service.uri();
    }

    /** @return the gateway's management base URI ({@code /health}, {@code /metrics}; the public port has neither) */
    public URI gatewayManagementUri() {
        return gateway.managementUri();
    }

    /** @return the tenant-service's management base URI ({@code /health}, {@code /metrics}) */
    public URI managementUri() {
        return service.managementUri();
    }

    /** @return the running tenant-service */
    public TenantService service() {
        return service;
    }

    /** @return the Temporal target (the embedded dev server's address when none was configured) */
    public String temporalTarget() {
        return temporal.target() + (temporal.isEmbedded() ? " (embedded dev server)" : "");
    }

    /** @return where the database is */
    public String databaseDescription() {
        return databaseDescription;
    }

    /** @return the event bus's kind */
    public String eventBusDescription() {
        return bus.getClass().getSimpleName();
    }

    /** Stops the gateway, the service, Temporal, the bus and the embedded database. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable resource = started.get(i);
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed", resource, e);
            }
        }
    }

    /**
     * Ports of the stack; 0 means any free port.
     *
     * @param gatewayPort the gateway (default 8080)
     * @param servicePort the tenant-service API (default 8090)
     * @param managementPort the tenant-service management endpoint (default 8091)
     * @param temporalPort the embedded Temporal dev server (default 7233)
     */
    public record Options(int gatewayPort, int servicePort, int managementPort, int temporalPort) {

        /** @return the documented defaults */
        public static Options defaults() {
            return new Options(8080, 8090, 8091, 7233);
        }

        /** @return every port chosen freely (for tests) */
        public static Options ephemeral() {
            return new Options(0, 0, 0, 0);
        }
    }

    @Override
    public String toString() {
        return "DemoStack{gateway=" + (gateway == null ? null : gateway.uri()) + '}';
    }
}
