package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.Urls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
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
 *   <li>private servers started from installed binaries ({@code initdb}, {@code pg_ctl},
 *       {@code pg_basebackup}, {@code redis-server}) in a temporary directory on free ports, stopped when
 *       the JVM exits ({@value #SERVERS}{@code =local} skips the Docker probe).</li>
 * </ol>
 *
 * <p>Every environment variable has a system property twin: lower case with dots, e.g.
 * {@code -Dplatform.test.postgres.url=...}; the system property wins when both are set.
 * Instances are immutable and thread-safe; {@link #toString()} masks passwords.
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
  /** Environment variable: {@code auto} (default), {@code docker} or {@code local}. */
  public static final String SERVERS = "PLATFORM_TEST_SERVERS";
  /** Environment variable: folder holding {@code initdb}, {@code pg_ctl}, {@code pg_basebackup} and {@code postgres}. */
  public static final String POSTGRES_BIN = "PLATFORM_TEST_POSTGRES_BIN";
  /** Environment variable: path of the {@code redis-server} binary. */
  public static final String REDIS_SERVER = "PLATFORM_TEST_REDIS_SERVER";
  /** Environment variable: Docker image for PostgreSQL containers (default {@value #DEFAULT_POSTGRES_IMAGE}). */
  public static final String POSTGRES_IMAGE = "PLATFORM_TEST_POSTGRES_IMAGE";
  /** Environment variable: Docker image for Redis containers (default {@value #DEFAULT_REDIS_IMAGE}). */
  public static final String REDIS_IMAGE = "PLATFORM_TEST_REDIS_IMAGE";
  /** Environment variable: how long to wait for a server to answer, in milliseconds or ISO-8601 ({@code PT1S}). */
  public static final String CONNECT_TIMEOUT = "PLATFORM_TEST_CONNECT_TIMEOUT";
  /** The Docker image used for PostgreSQL containers unless {@value #POSTGRES_IMAGE} says otherwise. */
  public static final String DEFAULT_POSTGRES_IMAGE = "postgres:15-alpine";
  /** The Docker image used for Redis containers unless {@value #REDIS_IMAGE} says otherwise. */
  public static final String DEFAULT_REDIS_IMAGE = "redis:7-alpine";

  /**
   * Which sources of servers the kit may use when no explicit URL is set.
   *
   * @since 0.1.0
   */
  public enum ServerMode {
    /** Testcontainers when a Docker daemon answers, else private local servers. */
    AUTO,
    /** Testcontainers only; fail when no Docker daemon answers. */
    DOCKER,
    /** Private local servers only; the Docker probe is skipped. */
    LOCAL
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
  private final String postgresImage;
  private final String redisImage;
  private final Duration connectTimeout;
  private final Duration replicationTimeout;

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
    this.postgresImage = b.postgresImage;
    this.redisImage = b.redisImage;
    this.connectTimeout = b.connectTimeout;
    this.replicationTimeout = b.replicationTimeout;
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
            SERVERS + " must be auto, docker or local (was '" + value + "')", e);
      }
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
   * The Docker image for PostgreSQL containers.
   *
   * @return the image name
   * @since 0.1.0
   */
  public String postgresImage() {
    return postgresImage;
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
        + ", postgresBinDir=" + (postgresBinDir == null ? "-" : postgresBinDir)
        + ", redisServerBinary=" + (redisServerBinary == null ? "-" : redisServerBinary)
        + ", dockerHost=" + (dockerHost == null ? "-" : dockerHost)
        + ", postgresImage=" + postgresImage
        + ", redisImage=" + redisImage
        + ", connectTimeout=" + connectTimeout
        + ", replicationTimeout=" + replicationTimeout + '}';
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
    private String postgresImage = DEFAULT_POSTGRES_IMAGE;
    private String redisImage = DEFAULT_REDIS_IMAGE;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration replicationTimeout = Duration.ofSeconds(30);

    private Builder() {
    }

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
      if (connectTimeout.isNegative() || connectTimeout.isZero()
          || connectTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("connectTimeout (" + CONNECT_TIMEOUT
            + ") must be between 1 ms and 60 s (was " + connectTimeout + ")");
      }
      if (replicationTimeout.isNegative() || replicationTimeout.isZero()) {
        throw new IllegalArgumentException(
            "replicationTimeout must be positive (was " + replicationTimeout + ")");
      }
      if (postgresImage.isBlank()) {
        throw new IllegalArgumentException("postgresImage (" + POSTGRES_IMAGE
            + ") must not be blank; default: " + DEFAULT_POSTGRES_IMAGE);
      }
      if (redisImage.isBlank()) {
        throw new IllegalArgumentException("redisImage (" + REDIS_IMAGE
            + ") must not be blank; default: " + DEFAULT_REDIS_IMAGE);
      }
      return new TestServerSettings(this);
    }

    private static void checkPostgresUrl(String setting, String url) {
      if (!(url.startsWith("jdbc:postgresql://") || url.startsWith("postgresql://")
          || url.startsWith("postgres://"))) {
        throw new IllegalArgumentException(setting
            + " must start with jdbc:postgresql:// or postgresql:// (was '" + Urls.mask(url)
            + "'); example: jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
      }
    }
  }
}
