package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServerSettings.ServerMode;
import dev.adxcore.platform.test.TestServersUnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds each server in the documented order: explicit settings, then Testcontainers when a Docker daemon
 * answers, then private local servers. One instance per {@code TestServers}; thread-safe.
 */
public final class Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

  private final TestServerSettings settings;
  private DockerProbe.@Nullable Result dockerProbe;
  private @Nullable Path workspace;

  /** @param settings where to look */
  public Discovery(TestServerSettings settings) {
    this.settings = settings;
  }

  private synchronized Path workspace() {
    if (workspace == null) {
      workspace = Workspace.create();
    }
    return workspace;
  }

  /** Deletes the folder of private servers, if one was made; call after every server was stopped. */
  public synchronized void deleteWorkspace() {
    if (workspace != null) {
      Workspace.delete(workspace);
      workspace = null;
    }
  }

  /** @return a PostgreSQL primary, from the first source that can provide one */
  public PgServers postgres() {
    if (settings.postgresUrl() != null) {
      return Explicit.postgres(settings);
    }
    Optional<Path> bin = Binaries.postgresBinDir(settings.postgresBinDir());
    String dockerFinding = "skipped (" + TestServerSettings.SERVERS + "=local)";
    if (settings.serverMode() != ServerMode.LOCAL) {
      DockerProbe.Result probe = docker();
      dockerFinding = probe.description();
      if (probe.answered()) {
        try {
          return Containers.postgres(settings);
        } catch (RuntimeException e) {
          if (bin.isEmpty() || settings.serverMode() == ServerMode.DOCKER) {
            throw new TestServersUnavailableException("a Docker daemon answered but the PostgreSQL containers ("
                + settings.postgresImage() + ") did not start: " + e.getMessage() + "; set "
                + TestServerSettings.SERVERS + "=local to use installed binaries, or "
                + TestServerSettings.POSTGRES_URL + " to use a running server", e);
          }
          LOG.warn("PostgreSQL containers did not start ({}); using private local servers instead", e.getMessage(), e);
          dockerFinding = "a daemon answered but the containers did not start: " + e.getMessage();
        }
      } else if (settings.serverMode() == ServerMode.DOCKER) {
        throw new TestServersUnavailableException(TestServerSettings.SERVERS + "=docker but " + dockerFinding
            + "; start Docker, or set " + TestServerSettings.SERVERS + "=auto", null);
      }
    }
    if (bin.isPresent()) {
      return LocalPostgresCluster.start(bin.get(), workspace());
    }
    throw new TestServersUnavailableException("No PostgreSQL server for the tests. The kit tried, in order:\n"
        + "  1. explicit settings: " + TestServerSettings.POSTGRES_URL + " (and "
        + TestServerSettings.POSTGRES_REPLICA_URL + ") is not set;\n"
        + "  2. Testcontainers: " + dockerFinding + ";\n"
        + "  3. private local servers: initdb, pg_ctl, pg_basebackup and postgres were not found in "
        + Binaries.postgresSearchDescription(settings.postgresBinDir()) + ".\n"
        + "Fix one: set " + TestServerSettings.POSTGRES_URL + " (+ " + TestServerSettings.POSTGRES_REPLICA_URL
        + ") to running servers, start a Docker daemon, or install PostgreSQL's server binaries"
        + " (Debian: scripts/ensure-test-servers.sh or apt-get install postgresql) or point "
        + TestServerSettings.POSTGRES_BIN + " at them.", null);
  }

  /** @return a Redis server, from the first source that can provide one */
  public RedisHost redis() {
    if (settings.redisUrl() != null) {
      return Explicit.redis(settings);
    }
    Optional<Path> binary = Binaries.redisServer(settings.redisServerBinary());
    String dockerFinding = "skipped (" + TestServerSettings.SERVERS + "=local)";
    if (settings.serverMode() != ServerMode.LOCAL) {
      DockerProbe.Result probe = docker();
      dockerFinding = probe.description();
      if (probe.answered()) {
        try {
          return Containers.redis(settings);
        } catch (RuntimeException e) {
          if (binary.isEmpty() || settings.serverMode() == ServerMode.DOCKER) {
            throw new TestServersUnavailableException("a Docker daemon answered but the Redis container ("
                + settings.redisImage() + ") did not start: " + e.getMessage() + "; set "
                + TestServerSettings.SERVERS + "=local to use an installed redis-server, or "
                + TestServerSettings.REDIS_URL + " to use a running server", e);
          }
          LOG.warn("Redis container did not start ({}); using a private local server instead", e.getMessage(), e);
          dockerFinding = "a daemon answered but the container did not start: " + e.getMessage();
        }
      } else if (settings.serverMode() == ServerMode.DOCKER) {
        throw new TestServersUnavailableException(TestServerSettings.SERVERS + "=docker but " + dockerFinding
            + "; start Docker, or set " + TestServerSettings.SERVERS + "=auto", null);
      }
    }
    if (binary.isPresent()) {
      return LocalRedis.start(binary.get(), workspace());
    }
    throw new TestServersUnavailableException("No Redis server for the tests. The kit tried, in order:\n"
        + "  1. explicit settings: " + TestServerSettings.REDIS_URL + " is not set;\n"
        + "  2. Testcontainers: " + dockerFinding + ";\n"
        + "  3. private local servers: redis-server was not found in "
        + (settings.redisServerBinary() != null ? TestServerSettings.REDIS_SERVER + "=" + settings.redisServerBinary()
            : "PATH, /usr/bin, /usr/local/bin and /opt/homebrew/bin") + ".\n"
        + "Fix one: set " + TestServerSettings.REDIS_URL + " to a running server, start a Docker daemon, or install"
        + " redis-server (Debian: scripts/ensure-test-servers.sh or apt-get install redis-server) or point "
        + TestServerSettings.REDIS_SERVER + " at it.", null);
  }

  private synchronized DockerProbe.Result docker() {
    if (dockerProbe == null) {
      dockerProbe = DockerProbe.probe(settings.dockerHost());
      LOG.debug("Docker probe: {}", dockerProbe.description());
    }
    return dockerProbe;
  }
}
