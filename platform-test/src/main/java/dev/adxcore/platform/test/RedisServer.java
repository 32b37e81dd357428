package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.RedisHost;
import dev.adxcore.platform.test.internal.Resp;
import dev.adxcore.platform.test.internal.Urls;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server and a key prefix of its own ({@code t:<class>:<random>:}). {@link PlatformTest} hands
 * one to each test class; {@link TestServers} hands them out elsewhere. Test classes share the server, so
 * every key a test writes must start with {@link #keyPrefix()} (use {@link #key(String)}).
 *
 * <p>The server can be stopped and started again on the same port when {@link #canControlServer()}: only for
 * a private local server that belongs to this handle alone. Thread-safe. {@link #close()} deletes the keys
 * under the prefix, and stops the server when it is private to this handle. A handle on the shared server is
 * cheap (a prefix and no connection of its own); closing it costs one connection and a key scan.
 *
 * @since 0.1.0
 */
public final class RedisServer implements AutoCloseable {
  private static final String DELETE_PREFIX = "local keys = redis.call('KEYS', ARGV[1]) "
      + "for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end "
      + "return #keys";

  private final RedisHost host;
  private final String keyPrefix;
  private final Duration connectTimeout;
  private final boolean exclusive;
  private final @Nullable ServerPool ownedPool;
  private volatile boolean closed;

  RedisServer(RedisHost host, String keyPrefix, Duration connectTimeout, boolean exclusive,
      @Nullable ServerPool ownedPool) {
    this.host = host;
    this.keyPrefix = keyPrefix;
    this.connectTimeout = connectTimeout;
    this.exclusive = exclusive;
    this.ownedPool = ownedPool;
  }

  /**
   * Where the server came from.
   *
   * @return {@code "settings"}, {@code "testcontainers"}, {@code "local"} (installed binary) or {@code "maven"}
   *     (the binary from Maven Central)
   * @since 0.1.0
   */
  public String source() {
    return host.source().label();
  }

  /**
   * The server's URI, ready for Lettuce's {@code RedisClient.create(uri)} or {@code PLATFORM_EVENTS_URL}.
   *
   * @return {@code redis://[user:password@]host:port[/database]}, e.g. {@code redis://127.0.0.1:6379}
   * @since 0.1.0
   */
  public String uri() {
    return host.endpoint().uri();
  }

  /**
   * A ready event-bus URI for this test class ({@code PLATFORM_EVENTS_URL}, {@code EventBuses.open(uri)}):
   * this server with {@code streamKeyPrefix} set to {@link #keyPrefix()}{@code events:}, so the bus's
   * streams stay inside this handle's keys.
   *
   * @return {@code redis://host:port?streamKeyPrefix=t:<class>:<random>:events:}
   * @since 0.2.0
   */
  public String eventBusUri() {
    String base = uri();
    String prefix = java.net.URLEncoder.encode(keyPrefix + "events:", java.nio.charset.StandardCharsets.UTF_8);
    return base + (base.contains("?") ? "&" : "?") + "streamKeyPrefix=" + prefix;
  }

  /**
   * The server's host.
   *
   * @return host name or address
   * @since 0.1.0
   */
  public String host() {
    return host.endpoint().host();
  }

  /**
   * The server's port.
   *
   * @return TCP port
   * @since 0.1.0
   */
  public int port() {
    return host.endpoint().port();
  }

  /**
   * The prefix every key of this test class must start with.
   *
   * @return {@code t:<class>:<random>:}
   * @since 0.1.0
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * A key inside this handle's prefix.
   *
   * @param name the key's own part
   * @return {@link #keyPrefix()} followed by {@code name}
   * @since 0.1.0
   */
  public String key(String name) {
    return keyPrefix + Objects.requireNonNull(name, "name");
  }

  /**
   * Whether {@link #stop()} and {@link #start()} work: true only for a private local server that belongs to
   * this handle alone.
   *
   * @return whether this handle may stop and start its server
   * @since 0.1.0
   */
  public boolean canControlServer() {
    return exclusive && host.controllable();
  }

  /**
   * Stops the server, keeping its port; connections fail until {@link #start()}. Its data is lost (a
   * private server keeps nothing on disk). Idempotent.
   *
   * @throws UnsupportedOperationException when {@link #canControlServer()} is false; the message says why
   * @since 0.1.0
   */
  public void stop() {
    control().stop();
  }

  /**
   * Starts the stopped server again on the same port and returns once it answers. Idempotent.
   *
   * @throws UnsupportedOperationException when {@link #canControlServer()} is false
   * @since 0.1.0
   */
  public void start() {
    control().start();
  }

  private RedisHost control() {
    if (!host.controllable()) {
      throw new UnsupportedOperationException("a Redis server from " + source() + " cannot be stopped or started"
          + " by the test kit; only a private local server can (unset " + TestServerSettings.REDIS_URL + " and set "
          + TestServerSettings.SERVERS + "=local)");
    }
    if (!exclusive) {
      throw new UnsupportedOperationException("this Redis server is shared by every test class of the JVM;"
          + " use @PlatformTest(isolatedServers = true) or TestServers.privateRedis() to stop and start it");
    }
    return host;
  }

  /**
   * Deletes every key under {@link #keyPrefix()}; when the server is private to this handle, stops it
   * instead. Idempotent; a failure is logged, never thrown.
   *
   * @since 0.1.0
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownedPool != null) {
      ownedPool.close();
      return;
    }
    if (exclusive) {
      // the servers belong to this handle's owner alone and are stopped with it: nothing to clean up
      return;
    }
    try (Resp resp = Resp.connect(host.endpoint(), connectTimeout)) {
      resp.command("EVAL", DELETE_PREFIX, "0", keyPrefix + "*");
    } catch (IOException e) {
      LoggerFactory.getLogger(RedisServer.class).warn("Could not delete the keys under {} on {}", keyPrefix,
          host.endpoint().address(), e);
    }
  }

  @Override
  public String toString() {
    return "RedisServer{uri=" + Urls.mask(uri()) + ", keyPrefix=" + keyPrefix + ", source=" + source() + '}';
  }
}
