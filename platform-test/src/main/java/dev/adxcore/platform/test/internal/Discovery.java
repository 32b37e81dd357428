package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServerSettings.ServerMode;
import dev.adxcore.platform.test.TestServersUnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds each server in the documented order: explicit settings, then Testcontainers when a Docker daemon
 * answers, then private servers from installed binaries, then private servers from binaries that Maven
 * downloaded from Maven Central. One instance per {@code TestServers}; thread-safe. Finding a server is
 * expensive (a Docker probe of up to 500 ms, then a start that takes seconds), so the probe's result is kept.
 */
public final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final TestServerSettings settings;
    private final MavenBinaries maven;
    private DockerProbe.@Nullable Result dockerProbe;
    private @Nullable Path workspace;

    /** @param settings where to look */
    public Discovery(TestServerSettings settings) {
        this(settings, MavenBinaries.fromClassPath());
    }

    /**
     * @param settings where to look
     * @param maven where binaries from Maven Central are looked for ({@link MavenBinaries#none()} for never)
     */
    public Discovery(TestServerSettings settings, MavenBinaries maven) {
        this.settings = settings;
        this.maven = maven;
    }

    private synchronized Path workspace() {
        if (workspace == null) {
            String owner = null;
            if (OsUsers.isRoot()) {
                try {
                    owner = OsUsers.postgresServerUser(settings.postgresOsUser());
                } catch (TestServersUnavailableException e) {
                    // no user to give it to: keep it root's; starting PostgreSQL will say why it cannot run
                }
            }
            workspace = Workspace.create(owner);
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
            return checkVersion(Explicit.postgres(settings), TestServerSettings.POSTGRES_URL);
        }
        ServerMode mode = settings.serverMode();
        int version = settings.postgresVersion();
        Optional<Path> bin = mode == ServerMode.MAVEN
                ? Optional.empty()
                : Binaries.postgresBinDir(
                        settings.postgresBinDir(),
                        version,
                        settings.postgresBinDir() == null || settings.isPostgresVersionSet());
        Optional<MavenBinaries.PostgresBundle> bundle = maven.postgres(version);
        String dockerFinding =
                "skipped (" + TestServerSettings.SERVERS + "=" + mode.name().toLowerCase(Locale.ROOT) + ")";
        if (mode == ServerMode.AUTO || mode == ServerMode.DOCKER) {
            DockerProbe.Result probe = docker();
            dockerFinding = probe.description();
            if (probe.answered()) {
                try {
                    return checkVersion(Containers.postgres(settings), TestServerSettings.POSTGRES_IMAGE);
                } catch (RuntimeException e) {
                    if ((bin.isEmpty() && bundle.isEmpty()) || mode == ServerMode.DOCKER) {
                        throw new TestServersUnavailableException(
                                "a Docker daemon answered but the PostgreSQL containers ("
                                        + settings.postgresImage() + ") did not start: " + e.getMessage() + "; set "
                                        + TestServerSettings.SERVERS
                                        + "=local to use installed binaries (else binaries from Maven Central), or "
                                        + TestServerSettings.POSTGRES_URL + " to use a running server",
                                e);
                    }
                    LOG.warn(
                            "PostgreSQL containers did not start ({}); using private local servers instead",
                            e.getMessage(),
                            e);
                    dockerFinding = "a daemon answered but the containers did not start: " + e.getMessage();
                }
            } else if (mode == ServerMode.DOCKER) {
                throw new TestServersUnavailableException(
                        TestServerSettings.SERVERS + "=docker but " + dockerFinding + "; start Docker, or set "
                                + TestServerSettings.SERVERS + "=auto",
                        null);
            }
        }
        if (bin.isPresent()) {
            return LocalPostgresCluster.start(
                    bin.get(), workspace(), Source.LOCAL, OsUsers.postgresServerUser(settings.postgresOsUser()));
        }
        if (bundle.isPresent()) {
            MavenBinaries.UnpackedPostgres unpacked =
                    maven.unpackPostgres(bundle.get(), version, settings.binaryCache());
            return LocalPostgresCluster.start(
                    unpacked.binDir(),
                    workspace(),
                    Source.MAVEN,
                    OsUsers.postgresServerUser(settings.postgresOsUser()));
        }
        String installedFinding = mode == ServerMode.MAVEN
                ? "skipped (" + TestServerSettings.SERVERS + "=maven)"
                : "initdb, pg_ctl and postgres "
                        + (settings.postgresBinDir() != null && !settings.isPostgresVersionSet()
                                ? ""
                                : "of PostgreSQL " + version + " ")
                        + "were not found in "
                        + Binaries.postgresSearchDescription(settings.postgresBinDir());
        throw new TestServersUnavailableException(
                "No PostgreSQL " + version + " server for the tests. The kit tried, in order:\n"
                        + "  1. explicit settings: " + TestServerSettings.POSTGRES_URL + " (and "
                        + TestServerSettings.POSTGRES_REPLICA_URL + ") is not set;\n"
                        + "  2. Testcontainers: " + dockerFinding + ";\n"
                        + "  3. private local servers: " + installedFinding + ";\n"
                        + "  4. binaries from Maven Central: " + maven.postgresMissing(version) + ".\n"
                        + "Fix one: set " + TestServerSettings.POSTGRES_URL + " (+ "
                        + TestServerSettings.POSTGRES_REPLICA_URL
                        + ") to running servers, start a Docker daemon, install PostgreSQL " + version
                        + "'s server binaries"
                        + " (Debian: scripts/ensure-test-servers.sh or apt-get install postgresql-" + version
                        + ") or point "
                        + TestServerSettings.POSTGRES_BIN + " at them, or put " + maven.postgresArtifact() + ":"
                        + version
                        + ".x on the test class path (Maven does with platform-test on Linux and macOS).",
                null);
    }

    /**
     * When {@value TestServerSettings#POSTGRES_VERSION} was set, refuses servers the kit did not pick by version
     * (an explicit URL, a custom image) that run another major version.
     */
    private PgServers checkVersion(PgServers servers, String setting) {
        if (!settings.isPostgresVersionSet()) {
            return servers;
        }
        PgEndpoint primary = servers.primary();
        String found;
        try (Connection c = primary.connect(primary.database(), settings.connectTimeout());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            if (rs.getInt(1) / 10000 == settings.postgresVersion()) {
                return servers;
            }
            found = rs.getString(2);
        } catch (SQLException e) {
            servers.close();
            throw new TestServersUnavailableException(
                    "cannot ask " + primary.address() + " for its version: " + e.getMessage(), e);
        }
        servers.close();
        throw new TestServersUnavailableException(
                setting + " gives PostgreSQL " + found + ", but "
                        + TestServerSettings.POSTGRES_VERSION + "=" + settings.postgresVersion() + ": point " + setting
                        + " at a PostgreSQL " + settings.postgresVersion()
                        + " server, or unset one of the two settings",
                null);
    }

    /** @return a Redis server, from the first source that can provide one */
    public RedisHost redis() {
        if (settings.redisUrl() != null) {
            return Explicit.redis(settings);
        }
        ServerMode mode = settings.serverMode();
        Optional<Path> binary =
                mode == ServerMode.MAVEN ? Optional.empty() : Binaries.redisServer(settings.redisServerBinary());
        Optional<MavenBinaries.RedisBinary> shipped = maven.redis();
        String dockerFinding =
                "skipped (" + TestServerSettings.SERVERS + "=" + mode.name().toLowerCase(Locale.ROOT) + ")";
        if (mode == ServerMode.AUTO || mode == ServerMode.DOCKER) {
            DockerProbe.Result probe = docker();
            dockerFinding = probe.description();
            if (probe.answered()) {
                try {
                    return Containers.redis(settings);
                } catch (RuntimeException e) {
                    if ((binary.isEmpty() && shipped.isEmpty()) || mode == ServerMode.DOCKER) {
                        throw new TestServersUnavailableException(
                                "a Docker daemon answered but the Redis container ("
                                        + settings.redisImage() + ") did not start: " + e.getMessage() + "; set "
                                        + TestServerSettings.SERVERS
                                        + "=local to use an installed redis-server (else the one from Maven"
                                        + " Central), or " + TestServerSettings.REDIS_URL + " to use a running server",
                                e);
                    }
                    LOG.warn(
                            "Redis container did not start ({}); using a private local server instead",
                            e.getMessage(),
                            e);
                    dockerFinding = "a daemon answered but the container did not start: " + e.getMessage();
                }
            } else if (mode == ServerMode.DOCKER) {
                throw new TestServersUnavailableException(
                        TestServerSettings.SERVERS + "=docker but " + dockerFinding + "; start Docker, or set "
                                + TestServerSettings.SERVERS + "=auto",
                        null);
            }
        }
        if (binary.isPresent()) {
            return LocalRedis.start(binary.get(), workspace(), Source.LOCAL, settings.isRedisDurable());
        }
        if (shipped.isPresent()) {
            return LocalRedis.start(
                    maven.unpackRedis(shipped.get(), settings.binaryCache()),
                    workspace(),
                    Source.MAVEN,
                    settings.isRedisDurable());
        }
        String installedFinding = mode == ServerMode.MAVEN
                ? "skipped (" + TestServerSettings.SERVERS + "=maven)"
                : "redis-server was not found in "
                        + (settings.redisServerBinary() != null
                                ? TestServerSettings.REDIS_SERVER + "=" + settings.redisServerBinary()
                                : "PATH, /usr/bin, /usr/local/bin and /opt/homebrew/bin");
        throw new TestServersUnavailableException(
                "No Redis server for the tests. The kit tried, in order:\n"
                        + "  1. explicit settings: " + TestServerSettings.REDIS_URL + " is not set;\n"
                        + "  2. Testcontainers: " + dockerFinding + ";\n"
                        + "  3. private local servers: " + installedFinding + ";\n"
                        + "  4. binaries from Maven Central: " + maven.redisMissing() + ".\n"
                        + "Fix one: set " + TestServerSettings.REDIS_URL
                        + " to a running server, start a Docker daemon, install"
                        + " redis-server (Debian: scripts/ensure-test-servers.sh or apt-get install redis-server) or point "
                        + TestServerSettings.REDIS_SERVER + " at it, or put " + MavenBinaries.REDIS_ARTIFACT
                        + " on the test class path (Maven does with platform-test).",
                null);
    }

    private synchronized DockerProbe.Result docker() {
        if (dockerProbe == null) {
            dockerProbe = DockerProbe.probe(settings.dockerHost());
            LOG.debug("Docker probe: {}", dockerProbe.description());
        }
        return dockerProbe;
    }
}
