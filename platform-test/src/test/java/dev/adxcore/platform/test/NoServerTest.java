package dev.adxcore.platform.test;

import static dev.adxcore.platform.test.ExplicitSettingsTest.catchFailure;
import static dev.adxcore.platform.test.ExplicitSettingsTest.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No explicit settings, no Docker daemon (a closed port), no binaries: the kit must say so quickly. */
class NoServerTest {
  private static final Duration FAIL_FAST = Duration.ofSeconds(2);

  @TempDir
  Path emptyFolder;

  @Test
  void withoutAnyPostgresFailsFastNamingTheThreeOptions() throws IOException {
    TestServerSettings settings = TestServerSettings.builder()
        .dockerHost("tcp://127.0.0.1:" + closedPort())
        .postgresBinDir(emptyFolder)
        .build();

    Throwable failure = assertTimeoutPreemptively(FAIL_FAST,
        () -> catchFailure(() -> TestServers.privatePostgres(settings, 1)));

    assertThat(failure).isInstanceOf(TestServersUnavailableException.class)
        .hasMessageContaining("No PostgreSQL server for the tests")
        .hasMessageContaining("1. explicit settings: PLATFORM_TEST_POSTGRES_URL")
        .hasMessageContaining("2. Testcontainers: no Docker daemon answered")
        .hasMessageContaining("3. private local servers: initdb, pg_ctl, pg_basebackup and postgres were not found"
            + " in PLATFORM_TEST_POSTGRES_BIN=" + emptyFolder);
  }

  @Test
  void withoutAnyRedisFailsFastNamingTheThreeOptions() throws IOException {
    TestServerSettings settings = TestServerSettings.builder()
        .dockerHost("tcp://127.0.0.1:" + closedPort())
        .redisServerBinary(emptyFolder.resolve("redis-server"))
        .build();

    Throwable failure = assertTimeoutPreemptively(FAIL_FAST,
        () -> catchFailure(() -> TestServers.privateRedis(settings)));

    assertThat(failure).isInstanceOf(TestServersUnavailableException.class)
        .hasMessageContaining("No Redis server for the tests")
        .hasMessageContaining("1. explicit settings: PLATFORM_TEST_REDIS_URL")
        .hasMessageContaining("2. Testcontainers: no Docker daemon answered")
        .hasMessageContaining("3. private local servers: redis-server was not found");
  }

  @Test
  void dockerModeWithoutADaemonFailsNamingTheSetting() throws IOException {
    TestServerSettings settings = TestServerSettings.builder()
        .serverMode(TestServerSettings.ServerMode.DOCKER)
        .dockerHost("tcp://127.0.0.1:" + closedPort())
        .build();

    Throwable failure = catchFailure(() -> TestServers.privateRedis(settings));

    assertThat(failure).isInstanceOf(TestServersUnavailableException.class)
        .hasMessageStartingWith("PLATFORM_TEST_SERVERS=docker but no Docker daemon answered (tcp://127.0.0.1:");
  }

  @Test
  void aFailureIsRememberedSoLaterClassesFailJustAsFast() throws IOException {
    TestServerSettings settings = TestServerSettings.builder()
        .dockerHost("tcp://127.0.0.1:" + closedPort())
        .postgresBinDir(emptyFolder)
        .build();

    try (ServerPool pool = ServerPool.create(settings)) {
      Throwable first = catchFailure(() -> pool.createPostgresDatabase("a", 0, false, null));
      Throwable second = catchFailure(() -> pool.createPostgresDatabase("b", 0, false, null));

      assertThat(second).hasMessage(first.getMessage()).hasCause(first);
    }
  }
}
