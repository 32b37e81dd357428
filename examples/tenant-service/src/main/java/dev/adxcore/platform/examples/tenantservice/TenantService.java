package dev.adxcore.platform.examples.tenantservice;

import com.sun.net.httpserver.HttpServer;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.RetryPolicy;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.examples.tenantservice.impl.ActivityProjection;
import dev.adxcore.platform.examples.tenantservice.impl.OnboardingActivitiesImpl;
import dev.adxcore.platform.examples.tenantservice.impl.OnboardingWorkflowImpl;
import dev.adxcore.platform.examples.tenantservice.impl.RolesPermissionChecker;
import dev.adxcore.platform.examples.tenantservice.impl.UserEvents;
import dev.adxcore.platform.examples.tenantservice.impl.UsersApi;
import dev.adxcore.platform.examples.tenantservice.impl.WelcomeConsumer;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthRegistry;
import dev.adxcore.platform.observability.health.HealthResult;
import dev.adxcore.platform.observability.http.ManagementServer;
import dev.adxcore.platform.observability.metrics.HttpServerMetrics;
import dev.adxcore.platform.observability.metrics.MeterRegistries;
import dev.adxcore.platform.outbox.Inbox;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tenant-service: the users REST API (JDK HTTP server), the management endpoint
 * ({@code /health}, {@code /health/live}, {@code /health/ready}, {@code /metrics}), the event consumers
 * ({@code tenant-service.activity}, {@code tenant-service.welcome}) and the Temporal worker of the
 * onboarding workflow, over one {@link DatabaseManager}.
 *
 * <pre>{@code
 * try (TenantService service = TenantService.builder()
 *         .databaseConfig(DatabaseConfig.fromEnvironment().build())
 *         .start()) {
 *     System.out.println("users API on " + service.uri());
 * }
 * }</pre>
 *
 * <p>The event bus and the Temporal connection are opened from the environment
 * ({@code PLATFORM_EVENTS_URL}, {@code PLATFORM_TEMPORAL_*}) unless given to the builder; what the
 * service opened it also closes. Expensive (pools, threads, sockets): one per process. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TenantService implements AutoCloseable {

    /** The service name: metric tag, event source service, log field. */
    public static final String NAME = "tenant-service";

    private static final Logger log = LoggerFactory.getLogger(TenantService.class);

    static {
        // The JDK HTTP server writes a response's headers and body in separate packets; without TCP_NODELAY,
        // Nagle's algorithm and the client's delayed ACK stall every response by ~40 ms (measured: 78 -> 630
        // requests/s for 4 sequential clients). Read once, when the JDK server is first used in the JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final DatabaseManager db;
    private final EventBus bus;
    private final TemporalConnection temporal;
    private final PrometheusMeterRegistry registry;
    private final HealthRegistry health;
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ManagementServer management;
    private final String bindAddress;
    private volatile boolean closed;

    private TenantService(Builder b) {
        boolean ok = false;
        try {
            this.registry = MeterRegistries.prometheus(NAME);
            resources.add(registry::close);
            this.health =
                    HealthRegistry.builder().discoverServiceLoaderChecks(false).build();
            resources.add(health);
            DatabaseConfig dbConfig = Objects.requireNonNull(b.databaseConfig, "databaseConfig must be set");
            this.db = DatabaseManager.create(
                    dbConfig.toBuilder().meterRegistry(registry).build());
            resources.add(db);
            if (b.eventBus != null) {
                this.bus = b.eventBus;
            } else {
                this.bus = EventBuses.fromEnvironment(EventBusOptions.builder()
                        .meterRegistry(registry)
                        .serviceName(NAME)
                        .build());
                resources.add(bus);
            }
            if (b.temporal != null) {
                this.temporal = b.temporal;
            } else {
                this.temporal = TemporalConnection.open(
                        b.temporalConfig != null
                                ? b.temporalConfig
                                : TemporalConfig.fromEnvironment().build(),
                        registry);
                resources.add(temporal);
            }
            // Events are recorded in the write's own transaction (platform-outbox) and published by the relay,
            // which connects as the relay role: it reads every tenant's outbox rows and nothing else.
            UserEvents events = new UserEvents(Outbox.create(db));
            DatabaseConfig relayConfig = b.relayDatabaseConfig != null
                    ? b.relayDatabaseConfig
                    : dbConfig.toBuilder()
                            .name(dbConfig.name() + "-outbox-relay")
                            .username(TenantSchema.relayRole(dbConfig.username()))
                            .replicaUrls(List.of())
                            .maxConnections(4)
                            .build();
            DatabaseManager relayDb = DatabaseManager.create(
                    relayConfig.toBuilder().meterRegistry(registry).build());
            resources.add(relayDb);
            OutboxRelay relay = OutboxRelay.create(
                            relayDb,
                            bus,
                            OutboxRelayConfig.builder()
                                    .name(NAME)
                                    .meterRegistry(registry)
                                    .build())
                    .start();
            resources.add(relay);

            Subscription activity = bus.subscribe(Inbox.create(db)
                    .subscription(ActivityProjection.SUBSCRIPTION, new ActivityProjection())
                    .types("user.*")
                    .retryPolicy(b.eventRetryPolicy)
                    .build());
            resources.add(activity);
            Subscription welcome = bus.subscribe(
                    EventSubscription.builder(WelcomeConsumer.SUBSCRIPTION, new WelcomeConsumer(b.welcomeNotifier))
                            .types("user.created")
                            .retryPolicy(b.eventRetryPolicy)
                            .build());
            resources.add(welcome);

            TemporalWorkerRunner worker = TemporalWorkerRunner.builder(temporal)
                    .eventBus(bus)
                    .permissionChecker(new RolesPermissionChecker())
                    .workflowImplementationTypes(OnboardingWorkflowImpl.class)
                    .activityImplementations(new OnboardingActivitiesImpl(db, events))
                    .build();
            worker.start();
            resources.add(worker);
            // Warm the gRPC channel now, so that the first request does not pay for it.
            try {
                log.info(
                        "Temporal at {}: {}",
                        temporal.target(),
                        temporal.healthCheck().check().status());
            } catch (Exception e) {
                log.warn("Temporal at {} did not answer yet: {}", temporal.target(), e.toString());
            }

            health.registerAll(db.healthChecks());
            health.registerAll(bus.healthChecks());
            health.registerAll(relay.healthChecks());
            health.register(temporal.healthCheck());

            HttpServerMetrics metrics =
                    HttpServerMetrics.builder(registry).routes(UsersApi.ROUTES).build();
            this.bindAddress = b.bindAddress;
            this.httpThreads = new ThreadPoolExecutor(
                    b.httpThreads,
                    b.httpThreads,
                    60,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    new Named("tenant-service-http"));
            try {
                this.http = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot listen on " + b.bindAddress + ":" + b.port
                                + " (in use? choose another port with --port or PLATFORM_SERVICE_PORT)",
                        e);
            }
            http.createContext("/", new UsersApi(db, events, temporal.templateClient(), metrics));
            http.setExecutor(httpThreads);
            http.start();
            health.register(new HealthCheck() {
                @Override
                public String name() {
                    return "tenant-service.http";
                }

                @Override
                public HealthResult check() {
                    return closed ? HealthResult.down("stopping") : HealthResult.up();
                }

                @Override
                public boolean isLiveness() {
                    return true;
                }
            });
            this.management = ManagementServer.builder()
                    .bindAddress(b.managementBindAddress)
                    .port(b.managementPort)
                    .healthRegistry(health)
                    .prometheusRegistry(registry)
                    .build()
                    .start();
            ok = true;
        } finally {
            if (!ok) {
                closeResources();
            }
        }
        log.info(
                "{} started: API on {}, management on {}, events {}, Temporal {}",
                NAME,
                uri(),
                managementUri(),
                bus.getClass().getSimpleName(),
                temporal.target());
    }

    /**
     * Starts configuring a service.
     *
     * @return a builder: API on 127.0.0.1:8090, management on 127.0.0.1:8091
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the base URI of the users API, such as {@code http://127.0.0.1:8090} */
    public URI uri() {
        String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        return URI.create("http://" + host + ":" + http.getAddress().getPort());
    }

    /** @return the base URI of {@code /health} and {@code /metrics} */
    public URI managementUri() {
        return management.uri();
    }

    /** @return the event bus the service publishes on and consumes from */
    public EventBus eventBus() {
        return bus;
    }

    /** @return the database manager (for tools and tests; the service owns and closes it) */
    public DatabaseManager database() {
        return db;
    }

    /** @return the Temporal connection (embedded dev server when no target was configured) */
    public TemporalConnection temporal() {
        return temporal;
    }

    /** @return the registry behind {@code /metrics} */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** @return the registry behind {@code /health} */
    public HealthRegistry healthRegistry() {
        return health;
    }

    /**
     * Stops accepting requests (waiting up to a second for those in flight), stops the worker (letting
     * in-flight activities finish), the consumers, and closes what the service opened. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("{} stopping", NAME);
        http.stop(1);
        httpThreads.shutdown();
        management.close();
        closeResources();
        log.info("{} stopped", NAME);
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed", resources.get(i), e);
            }
        }
        resources.clear();
    }

    private static final class Named implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        Named(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /**
     * Configures a {@link TenantService}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable DatabaseConfig databaseConfig;
        private @Nullable EventBus eventBus;
        private @Nullable DatabaseConfig relayDatabaseConfig;
        private @Nullable TemporalConnection temporal;
        private @Nullable TemporalConfig temporalConfig;
        private String bindAddress = "127.0.0.1";
        private int port = 8090;
        private String managementBindAddress = "127.0.0.1";
        private int managementPort = 8091;
        private int httpThreads = 32;
        private WelcomeNotifier welcomeNotifier = new LoggingWelcomeNotifier();
        private RetryPolicy eventRetryPolicy =
                RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofSeconds(5));

        private Builder() {}

        /**
         * The database, connecting as the application role (not the tables' owner, not a superuser).
         *
         * @param config built from {@link DatabaseConfig#fromEnvironment()} or {@link DatabaseConfig#builder()}; required
         * @return this builder
         */
        public Builder databaseConfig(DatabaseConfig config) {
            this.databaseConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The outbox relay's connection (its own role, which reads every tenant's outbox rows and nothing else).
         * Default: the service's primary URL and password as {@code <username>_relay}
         * ({@link TenantSchema#relayRole}), four connections.
         *
         * @param config the relay's database configuration
         * @return this builder
         */
        public Builder relayDatabaseConfig(DatabaseConfig config) {
            this.relayDatabaseConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The event bus to use instead of opening one from {@code PLATFORM_EVENTS_URL}; the caller closes it.
         *
         * @param bus the bus
         * @return this builder
         */
        public Builder eventBus(EventBus bus) {
            this.eventBus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * A Temporal connection to use instead of opening one; the caller closes it.
         *
         * @param connection the connection
         * @return this builder
         */
        public Builder temporal(TemporalConnection connection) {
            this.temporal = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /**
         * The Temporal settings used when no connection is given; default {@link TemporalConfig#fromEnvironment()}.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder temporalConfig(TemporalConfig config) {
            this.temporalConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param bindAddress where the API listens; default {@code 127.0.0.1} (the gateway is the way in)
         * @return this builder
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param port the API port, 0 for any free port; default 8090
         * @return this builder
         */
        public Builder port(int port) {
            this.port = requirePort("port", port);
            return this;
        }

        /**
         * @param bindAddress where {@code /health} and {@code /metrics} listen; default {@code 127.0.0.1}
         * @return this builder
         */
        public Builder managementBindAddress(String bindAddress) {
            this.managementBindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param port the management port, 0 for any free port; default 8091
         * @return this builder
         */
        public Builder managementPort(int port) {
            this.managementPort = requirePort("managementPort", port);
            return this;
        }

        /**
         * @param threads request threads (each may hold a database connection); default 32
         * @return this builder
         */
        public Builder httpThreads(int threads) {
            if (threads < 1 || threads > 1000) {
                throw new IllegalArgumentException("httpThreads must be between 1 and 1000 (was " + threads + ")");
            }
            this.httpThreads = threads;
            return this;
        }

        /**
         * @param notifier sends welcome messages; default: logs that it would
         * @return this builder
         */
        public Builder welcomeNotifier(WelcomeNotifier notifier) {
            this.welcomeNotifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /**
         * @param policy how the consumers retry a failing event before dead-lettering it; default 5 attempts,
         *        100 ms to 5 s backoff
         * @return this builder
         */
        public Builder eventRetryPolicy(RetryPolicy policy) {
            this.eventRetryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Connects to the database (refusing an application role that would bypass row-level security),
         * opens the bus and Temporal, subscribes the consumers, starts the worker and the HTTP servers.
         *
         * @return the running service
         * @throws NullPointerException when no database config was set
         * @throws dev.adxcore.platform.database.UnsafeRoleException when the role would bypass row-level security
         * @throws UncheckedIOException when a port cannot be bound
         */
        public TenantService start() {
            return new TenantService(this);
        }

        private static int requirePort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535 (was " + port + ")");
            }
            return port;
        }
    }

    /** The default notifier: logs the user id (never the address) instead of sending mail. */
    private static final class LoggingWelcomeNotifier implements WelcomeNotifier {
        @Override
        public void welcome(UUID tenantId, UUID userId, String email, String displayName) {
            log.info("Welcome message for user {} handed to the (logging) mailer", userId);
        }
    }
}
