package dev.adxcore.platform.database;

import dev.adxcore.platform.core.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a {@link DatabaseManager}: the primary and replica servers, credentials
 * of the application role, pool sizes, timeouts, replica health bounds and the start-up role check.
 *
 * <p>Built with {@link #builder()} (validated once, in {@link Builder#build()}) or read from
 * {@code PLATFORM_DB_*} environment variables with {@link #fromEnvironment()}. The password never
 * appears in {@link #toString()}. Thread-safe. Cheap to build: nothing connects until
 * {@link DatabaseManager#create} opens the pools.
 *
 * <table>
 *   <caption>Environment variables read by {@link #fromEnvironment()}</caption>
 *   <tr><th>variable</th><th>setting</th><th>default</th></tr>
 *   <tr><td>PLATFORM_DB_PRIMARY_URL</td><td>primary JDBC URL</td><td>required</td></tr>
 *   <tr><td>PLATFORM_DB_REPLICA_URLS</td><td>comma-separated replica JDBC URLs</td><td>none</td></tr>
 *   <tr><td>PLATFORM_DB_USERNAME</td><td>application role</td><td>required</td></tr>
 *   <tr><td>PLATFORM_DB_PASSWORD</td><td>its password</td><td>empty</td></tr>
 *   <tr><td>PLATFORM_DB_NAME</td><td>name of this database (pool and metric names)</td><td>db</td></tr>
 *   <tr><td>PLATFORM_DB_MIN_CONNECTIONS</td><td>idle connections kept per server</td><td>2</td></tr>
 *   <tr><td>PLATFORM_DB_MAX_CONNECTIONS</td><td>connections per server</td><td>10</td></tr>
 *   <tr><td>PLATFORM_DB_ACQUIRE_TIMEOUT</td><td>wait for a pooled connection</td><td>5s</td></tr>
 *   <tr><td>PLATFORM_DB_SOCKET_TIMEOUT</td><td>longest wait for the server's answer to a statement (pgjdbc
 *       {@code socketTimeout}, whole seconds)</td><td>5s</td></tr>
 *   <tr><td>PLATFORM_DB_REPLICA_RECHECK_INTERVAL</td><td>replica health probe period</td><td>1s</td></tr>
 *   <tr><td>PLATFORM_DB_MAX_REPLICA_LAG</td><td>lag that takes a replica out of rotation</td><td>10s</td></tr>
 *   <tr><td>PLATFORM_DB_ROLE_CHECK</td><td>{@code refuse} or {@code warn}</td><td>refuse</td></tr>
 * </table>
 * Durations are written as {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601 ({@code PT5S}).
 *
 * @since 0.1.0
 */
public final class DatabaseConfig {

    /**
     * What the start-up safety check does when the application role would bypass row-level security
     * (superuser, {@code BYPASSRLS}, owner of a tenant table without {@code FORCE ROW LEVEL SECURITY},
     * or a tenant table without row-level security at all).
     *
     * @since 0.1.0
     */
    public enum RoleCheck {
        /** Refuse to start: {@link DatabaseManager#create(DatabaseConfig)} throws {@link UnsafeRoleException}. */
        REFUSE,
        /** Start, but log every finding at WARN. Meant for local tools and migrations, not services. */
        WARN
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    private final String name;
    private final String primaryUrl;
    private final List<String> replicaUrls;
    private final String username;
    private final String password;
    private final int minConnections;
    private final int maxConnections;
    private final Duration acquireTimeout;
    private final Duration socketTimeout;
    private final Duration replicaRecheckInterval;
    private final Duration maxReplicaLag;
    private final RoleCheck roleCheck;
    private final String tenantColumn;
    private final Map<String, String> driverProperties;
    private final MeterRegistry meterRegistry;

    private DatabaseConfig(Builder b) {
        this.name = b.name;
        this.primaryUrl = Objects.requireNonNull(b.primaryUrl);
        this.replicaUrls = List.copyOf(b.replicaUrls);
        this.username = Objects.requireNonNull(b.username);
        this.password = b.password;
        this.minConnections = b.minConnections;
        this.maxConnections = b.maxConnections;
        this.acquireTimeout = b.acquireTimeout;
        this.socketTimeout = b.socketTimeout;
        this.replicaRecheckInterval = b.replicaRecheckInterval;
        this.maxReplicaLag = b.maxReplicaLag;
        this.roleCheck = b.roleCheck;
        this.tenantColumn = b.tenantColumn;
        this.driverProperties = Map.copyOf(b.driverProperties);
        this.meterRegistry = b.meterRegistry;
    }

    /**
     * Starts a new builder with the defaults listed in the class documentation.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the configuration from the process environment and system properties ({@code PLATFORM_DB_*}, see the
     * class documentation; {@code -Dplatform.db.primary.url=...} works too) into a builder, like every
     * {@code fromEnvironment()} of the SDK: adjust what code decides (the meter registry, a name), then
     * {@link Builder#build()} validates everything together.
     *
     * @return a builder holding every setting found
     * @throws IllegalArgumentException when a number or duration cannot be parsed; the message names the setting
     * @since 0.1.0
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(Settings.fromEnvironment());
    }

    /**
     * Reads {@code PLATFORM_DB_*} settings from the given map into a builder (tests, or variables of another
     * process).
     *
     * @param environment variables, such as {@link System#getenv()}
     * @return a builder holding every setting found
     * @throws IllegalArgumentException when a number or duration cannot be parsed; the message names the variable
     * @since 0.1.0
     */
    public static Builder fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(Settings.of(Objects.requireNonNull(environment, "environment")));
    }

    /**
     * Reads {@code PLATFORM_DB_*} settings through the SDK's one settings reader (its duration grammar: ISO-8601 or
     * {@code 500ms}/{@code 5s}/{@code 2m}/{@code 1h}; a bare number is refused).
     *
     * @param settings where the settings come from
     * @return a builder holding every setting found
     * @throws IllegalArgumentException when a number or duration cannot be parsed; the message names the setting
     * @since 0.2.0
     */
    public static Builder fromEnvironment(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        Builder b = builder();
        settings.string("PLATFORM_DB_NAME").ifPresent(b::name);
        settings.string("PLATFORM_DB_PRIMARY_URL").ifPresent(b::primaryUrl);
        List<String> replicas = settings.list("PLATFORM_DB_REPLICA_URLS");
        if (!replicas.isEmpty()) {
            b.replicaUrls(replicas);
        }
        settings.string("PLATFORM_DB_USERNAME").ifPresent(b::username);
        settings.string("PLATFORM_DB_PASSWORD").ifPresent(b::password);
        settings.integer("PLATFORM_DB_MIN_CONNECTIONS").ifPresent(b::minConnections);
        settings.integer("PLATFORM_DB_MAX_CONNECTIONS").ifPresent(b::maxConnections);
        settings.duration("PLATFORM_DB_ACQUIRE_TIMEOUT").ifPresent(b::acquireTimeout);
        settings.duration("PLATFORM_DB_SOCKET_TIMEOUT").ifPresent(b::socketTimeout);
        settings.duration("PLATFORM_DB_REPLICA_RECHECK_INTERVAL").ifPresent(b::replicaRecheckInterval);
        settings.duration("PLATFORM_DB_MAX_REPLICA_LAG").ifPresent(b::maxReplicaLag);
        settings.enumValue("PLATFORM_DB_ROLE_CHECK", RoleCheck.class).ifPresent(b::roleCheck);
        return b;
    }

    /**
     * A builder pre-filled with this configuration, to derive a changed copy.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.primaryUrl = primaryUrl;
        b.replicaUrls = new ArrayList<>(replicaUrls);
        b.username = username;
        b.password = password;
        b.minConnections = minConnections;
        b.maxConnections = maxConnections;
        b.acquireTimeout = acquireTimeout;
        b.socketTimeout = socketTimeout;
        b.replicaRecheckInterval = replicaRecheckInterval;
        b.maxReplicaLag = maxReplicaLag;
        b.roleCheck = roleCheck;
        b.tenantColumn = tenantColumn;
        b.driverProperties = new LinkedHashMap<>(driverProperties);
        b.meterRegistry = meterRegistry;
        return b;
    }

    /** @return the name of this database, used in pool names, health check names and metric tags */
    public String name() {
        return name;
    }

    /** @return the JDBC URL of the primary */
    public String primaryUrl() {
        return primaryUrl;
    }

    /** @return the JDBC URLs of the replicas, possibly empty */
    public List<String> replicaUrls() {
        return replicaUrls;
    }

    /** @return the application role used for every pool */
    public String username() {
        return username;
    }

    /** @return the password of the application role; never log it */
    public String password() {
        return password;
    }

    /** @return idle connections kept per server */
    public int minConnections() {
        return minConnections;
    }

    /** @return maximum connections per server */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return how long a unit of work waits for a pooled connection before it fails */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /**
     * How long a statement, a commit or a login waits for the server's answer before the connection is
     * given up (pgjdbc's {@code socketTimeout}): what bounds a unit of work when the server hangs (a
     * frozen process, a silent network) instead of refusing. A unit of work meeting it fails with
     * {@link DatabaseUnavailableException} (a read on a replica is retried on the primary). Statements meant
     * to run longer say so with {@link Handle#allowLongStatements(Duration)}.
     *
     * @return the socket timeout, whole seconds
     * @since 0.3.0
     */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** @return how often each replica is probed */
    public Duration replicaRecheckInterval() {
        return replicaRecheckInterval;
    }

    /** @return the replay lag past which a replica serves no {@link ReadConsistency#replica()} reads */
    public Duration maxReplicaLag() {
        return maxReplicaLag;
    }

    /** @return what the start-up safety check does on a finding */
    public RoleCheck roleCheck() {
        return roleCheck;
    }

    /** @return the column that identifies the tenant in tenant tables */
    public String tenantColumn() {
        return tenantColumn;
    }

    /** @return extra pgjdbc connection properties (for example {@code prepareThreshold}) */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /** @return the registry that receives pool and routing metrics */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public String toString() {
        return "DatabaseConfig{name=" + name + ", primaryUrl=" + primaryUrl + ", replicaUrls=" + replicaUrls
                + ", username=" + username + ", password=" + (password.isEmpty() ? "<empty>" : "****")
                + ", minConnections=" + minConnections + ", maxConnections=" + maxConnections
                + ", acquireTimeout=" + acquireTimeout + ", socketTimeout=" + socketTimeout
                + ", replicaRecheckInterval=" + replicaRecheckInterval
                + ", maxReplicaLag=" + maxReplicaLag + ", roleCheck=" + roleCheck + ", tenantColumn=" + tenantColumn
                + ", driverProperties=" + driverProperties.keySet() + '}';
    }

    /**
     * Builder of {@link DatabaseConfig}. Not thread-safe; every setter returns this builder.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String name = "db";
        private @Nullable String primaryUrl;
        private List<String> replicaUrls = new ArrayList<>();
        private @Nullable String username;
        private String password = "";
        private int minConnections = 2;
        private int maxConnections = 10;
        private Duration acquireTimeout = Duration.ofSeconds(5);
        private Duration socketTimeout = Duration.ofSeconds(5);
        private Duration replicaRecheckInterval = Duration.ofSeconds(1);
        private Duration maxReplicaLag = Duration.ofSeconds(10);
        private RoleCheck roleCheck = RoleCheck.REFUSE;
        private String tenantColumn = "tenant_id";
        private Map<String, String> driverProperties = new LinkedHashMap<>();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {}

        /**
         * Names this database: pools are called {@code <name>-primary}, {@code <name>-replica-1}, ...
         *
         * @param name lower-case letters, digits, '-' or '_', starting with a letter, at most 40 characters
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the primary's JDBC URL.
         *
         * @param primaryUrl a {@code jdbc:postgresql://} URL
         * @return this builder
         */
        public Builder primaryUrl(String primaryUrl) {
            this.primaryUrl = Objects.requireNonNull(primaryUrl, "primaryUrl");
            return this;
        }

        /**
         * Sets the replicas' JDBC URLs, replacing earlier ones.
         *
         * @param replicaUrls {@code jdbc:postgresql://} URLs of hot-standby replicas
         * @return this builder
         */
        public Builder replicaUrls(List<String> replicaUrls) {
            this.replicaUrls = new ArrayList<>(Objects.requireNonNull(replicaUrls, "replicaUrls"));
            return this;
        }

        /**
         * Adds one replica.
         *
         * @param replicaUrl a {@code jdbc:postgresql://} URL of a hot-standby replica
         * @return this builder
         */
        public Builder addReplicaUrl(String replicaUrl) {
            this.replicaUrls.add(Objects.requireNonNull(replicaUrl, "replicaUrl"));
            return this;
        }

        /**
         * Sets the application role. It must not be a superuser nor have {@code BYPASSRLS}.
         *
         * @param username the role name
         * @return this builder
         */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /**
         * Sets the application role's password.
         *
         * @param password the password, masked in {@code toString()} and logs
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Sets the idle connections kept per server.
         *
         * @param minConnections at least 0 and at most {@code maxConnections}
         * @return this builder
         */
        public Builder minConnections(int minConnections) {
            this.minConnections = minConnections;
            return this;
        }

        /**
         * Sets the maximum connections per server.
         *
         * @param maxConnections at least 1 and at least {@code minConnections}
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets how long a unit of work waits for a connection; a primary outage fails writes within it.
         *
         * @param acquireTimeout at least 250ms
         * @return this builder
         */
        public Builder acquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = Objects.requireNonNull(acquireTimeout, "acquireTimeout");
            return this;
        }

        /**
         * Sets how long a statement, commit or login waits for the server's answer (pgjdbc's
         * {@code socketTimeout}, counted in whole seconds: a fraction is rounded up). It bounds every
         * unit of work when a server hangs; a driver property {@code socketTimeout} given with
         * {@link #driverProperty(String, String)} wins over it.
         *
         * @param socketTimeout between 1s and 1h
         * @return this builder
         * @since 0.3.0
         */
        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = Objects.requireNonNull(socketTimeout, "socketTimeout");
            return this;
        }

        /**
         * Sets how often each replica is probed (answering, in recovery, replay position).
         *
         * @param replicaRecheckInterval at least 50ms
         * @return this builder
         */
        public Builder replicaRecheckInterval(Duration replicaRecheckInterval) {
            this.replicaRecheckInterval = Objects.requireNonNull(replicaRecheckInterval, "replicaRecheckInterval");
            return this;
        }

        /**
         * Sets the replay lag past which a replica takes no {@link ReadConsistency#replica()} reads.
         *
         * @param maxReplicaLag positive
         * @return this builder
         */
        public Builder maxReplicaLag(Duration maxReplicaLag) {
            this.maxReplicaLag = Objects.requireNonNull(maxReplicaLag, "maxReplicaLag");
            return this;
        }

        /**
         * Sets what the start-up safety check does on a finding.
         *
         * @param roleCheck {@link RoleCheck#REFUSE} (default) or {@link RoleCheck#WARN}
         * @return this builder
         */
        public Builder roleCheck(RoleCheck roleCheck) {
            this.roleCheck = Objects.requireNonNull(roleCheck, "roleCheck");
            return this;
        }

        /**
         * Sets the column that identifies the tenant in tenant tables (used by the start-up check).
         *
         * @param tenantColumn a plain SQL identifier, default {@code tenant_id}
         * @return this builder
         */
        public Builder tenantColumn(String tenantColumn) {
            this.tenantColumn = Objects.requireNonNull(tenantColumn, "tenantColumn");
            return this;
        }

        /**
         * Adds a pgjdbc connection property to every pool (for example {@code prepareThreshold}).
         *
         * @param key the pgjdbc property name
         * @param value its value
         * @return this builder
         */
        public Builder driverProperty(String key, String value) {
            this.driverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the registry that receives pool and routing metrics.
         *
         * @param meterRegistry default {@link Metrics#globalRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Validates and seals the configuration.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the first invalid setting, its value and what is allowed
         */
        public DatabaseConfig build() {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be lower-case letters, digits, '-' or '_', "
                        + "starting with a letter, at most 40 characters (was '" + name + "')");
            }
            if (primaryUrl == null || primaryUrl.isBlank()) {
                throw new IllegalArgumentException(
                        "primaryUrl is required (set PLATFORM_DB_PRIMARY_URL or DatabaseConfig.builder().primaryUrl(...))");
            }
            checkUrl("primaryUrl", primaryUrl);
            for (int i = 0; i < replicaUrls.size(); i++) {
                checkUrl("replicaUrls[" + i + "]", replicaUrls.get(i));
            }
            if (replicaUrls.contains(primaryUrl)) {
                throw new IllegalArgumentException("replicaUrls must not contain the primaryUrl (" + primaryUrl + ")");
            }
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException(
                        "username is required (set PLATFORM_DB_USERNAME or DatabaseConfig.builder().username(...))");
            }
            if (minConnections < 0) {
                throw new IllegalArgumentException("minConnections must be >= 0 (was " + minConnections + ")");
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1 (was " + maxConnections + ")");
            }
            if (maxConnections < minConnections) {
                throw new IllegalArgumentException("maxConnections must be >= minConnections (was " + maxConnections
                        + " < " + minConnections + ")");
            }
            if (acquireTimeout.compareTo(Duration.ofMillis(250)) < 0) {
                throw new IllegalArgumentException(
                        "acquireTimeout must be >= 250ms (was " + acquireTimeout.toMillis() + "ms)");
            }
            if (socketTimeout.compareTo(Duration.ofSeconds(1)) < 0
                    || socketTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("socketTimeout must be between 1s and 1h (was "
                        + socketTimeout.toMillis() + "ms); pgjdbc counts it in whole seconds. For statements "
                        + "that run longer, use Handle.allowLongStatements(...) in their unit of work");
            }
            socketTimeout = Duration.ofSeconds((socketTimeout.toMillis() + 999) / 1000);
            if (replicaRecheckInterval.compareTo(Duration.ofMillis(50)) < 0) {
                throw new IllegalArgumentException(
                        "replicaRecheckInterval must be >= 50ms (was " + replicaRecheckInterval.toMillis() + "ms)");
            }
            if (maxReplicaLag.isNegative() || maxReplicaLag.isZero()) {
                throw new IllegalArgumentException(
                        "maxReplicaLag must be > 0 (was " + maxReplicaLag.toMillis() + "ms)");
            }
            if (!Pattern.matches("[a-z_][a-z0-9_]{0,62}", tenantColumn)) {
                throw new IllegalArgumentException(
                        "tenantColumn must be a lower-case SQL identifier (was '" + tenantColumn + "')");
            }
            return new DatabaseConfig(this);
        }

        private static void checkUrl(String setting, String url) {
            if (url.toLowerCase(Locale.ROOT).contains("password=")) {
                throw new IllegalArgumentException(setting + " must not contain a password: use password(...) "
                        + "or PLATFORM_DB_PASSWORD so that it stays out of logs");
            }
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException(setting + " must start with jdbc:postgresql: (was '" + url + "')");
            }
        }
    }
}
