package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TestServerSettingsTest {

    @Test
    void readsEveryUrlFromTheEnvironment() {
        TestServerSettings settings = TestServerSettings.fromEnvironment(
                Map.of(
                        "PLATFORM_TEST_POSTGRES_URL", "jdbc:postgresql://db:5432/postgres?user=app",
                        "PLATFORM_TEST_POSTGRES_REPLICA_URL",
                                "jdbc:postgresql://r1:5432/postgres, jdbc:postgresql://r2:5432/postgres",
                        "PLATFORM_TEST_REDIS_URL", "redis://cache:6379",
                        "PLATFORM_TEST_SERVERS", "local",
                        "PLATFORM_TEST_CONNECT_TIMEOUT", "1500"),
                new Properties());

        assertThat(settings.postgresUrl()).isEqualTo("jdbc:postgresql://db:5432/postgres?user=app");
        assertThat(settings.postgresReplicaUrls())
                .containsExactly("jdbc:postgresql://r1:5432/postgres", "jdbc:postgresql://r2:5432/postgres");
        assertThat(settings.redisUrl()).isEqualTo("redis://cache:6379");
        assertThat(settings.serverMode()).isEqualTo(TestServerSettings.ServerMode.LOCAL);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void readsUserAndPasswordForExplicitUrls() {
        TestServerSettings settings = TestServerSettings.fromEnvironment(
                Map.of(
                        "PLATFORM_TEST_POSTGRES_URL", "jdbc:postgresql://db:5432/postgres",
                        "PLATFORM_TEST_POSTGRES_USER", "admin",
                        "PLATFORM_TEST_POSTGRES_PASSWORD", "pw"),
                new Properties());

        assertThat(settings.postgresUser()).isEqualTo("admin");
        assertThat(settings.postgresPassword()).isEqualTo("pw");
        assertThat(settings.toString()).contains("postgresPassword=****").doesNotContain("pw,");
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() {
        Properties properties = new Properties();
        properties.setProperty("platform.test.redis.url", "redis://from-property:6379");

        TestServerSettings settings = TestServerSettings.fromEnvironment(
                Map.of("PLATFORM_TEST_REDIS_URL", "redis://from-env:6379"), properties);

        assertThat(settings.redisUrl()).isEqualTo("redis://from-property:6379");
    }

    @Test
    void nothingSetMeansTheKitProvidesEverything() {
        TestServerSettings settings = TestServerSettings.fromEnvironment(Map.of(), new Properties());

        assertThat(settings.postgresUrl()).isNull();
        assertThat(settings.postgresReplicaUrls()).isEmpty();
        assertThat(settings.redisUrl()).isNull();
        assertThat(settings.serverMode()).isEqualTo(TestServerSettings.ServerMode.AUTO);
    }

    @Test
    void unknownServerModeIsRejectedNamingTheVariable() {
        assertThatThrownBy(() ->
                        TestServerSettings.fromEnvironment(Map.of("PLATFORM_TEST_SERVERS", "podman"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PLATFORM_TEST_SERVERS must be auto, docker, local or maven (was 'podman')");
    }

    @Test
    void mavenModeUsesOnlyTheBinariesFromMavenCentral() {
        TestServerSettings settings =
                TestServerSettings.fromEnvironment(Map.of("PLATFORM_TEST_SERVERS", "maven"), new Properties());

        assertThat(settings.serverMode()).isEqualTo(TestServerSettings.ServerMode.MAVEN);
    }

    @Test
    void postgresVersionDefaultsTo15AndPicksTheDockerImage() {
        TestServerSettings defaults = TestServerSettings.fromEnvironment(Map.of(), new Properties());
        TestServerSettings seventeen =
                TestServerSettings.fromEnvironment(Map.of("PLATFORM_TEST_POSTGRES_VERSION", "17"), new Properties());

        assertThat(defaults.postgresVersion()).isEqualTo(15);
        assertThat(defaults.isPostgresVersionSet()).isFalse();
        assertThat(defaults.postgresImage()).isEqualTo(TestServerSettings.DEFAULT_POSTGRES_IMAGE);
        assertThat(seventeen.postgresVersion()).isEqualTo(17);
        assertThat(seventeen.isPostgresVersionSet()).isTrue();
        assertThat(seventeen.postgresImage()).isEqualTo("postgres:17-alpine");
    }

    @Test
    void postgresVersionSystemPropertyWinsOverTheVariable() {
        Properties properties = new Properties();
        properties.setProperty("platform.test.postgres.version", "16");

        TestServerSettings settings =
                TestServerSettings.fromEnvironment(Map.of("PLATFORM_TEST_POSTGRES_VERSION", "17"), properties);

        assertThat(settings.postgresVersion()).isEqualTo(16);
    }

    @Test
    void anExplicitImageIsKeptWhenTheVersionChanges() {
        TestServerSettings settings =
                TestServerSettings.builder().postgresImage("registry.local/pg:15").build().toBuilder()
                        .postgresVersion(16)
                        .build();

        assertThat(settings.postgresImage()).isEqualTo("registry.local/pg:15");
        assertThat(TestServerSettings.builder().build().toBuilder()
                        .postgresVersion(16)
                        .build()
                        .postgresImage())
                .isEqualTo("postgres:16-alpine");
    }

    @Test
    void unsupportedPostgresVersionIsRejectedNamingTheRange() {
        assertThatThrownBy(() -> TestServerSettings.fromEnvironment(
                        Map.of("PLATFORM_TEST_POSTGRES_VERSION", "14"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "postgresVersion (PLATFORM_TEST_POSTGRES_VERSION) must be one of [15, 16, 17, 18] (was 14): the"
                                + " SDK supports PostgreSQL 15 to 18; to run other binaries, unset it and point PLATFORM_TEST_POSTGRES_BIN"
                                + " at them");
    }

    @Test
    void postgresVersionThatIsNotANumberIsRejected() {
        assertThatThrownBy(() -> TestServerSettings.fromEnvironment(
                        Map.of("PLATFORM_TEST_POSTGRES_VERSION", "16.4"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PLATFORM_TEST_POSTGRES_VERSION must be a PostgreSQL major version, one of [15, 16, 17, 18]"
                        + " (was '16.4')");
    }

    @Test
    void skipUnavailableListsServersCaseInsensitively() {
        TestServerSettings settings = TestServerSettings.fromEnvironment(
                Map.of("PLATFORM_TEST_SKIP_UNAVAILABLE", " PgBouncer, kafka ,"), new Properties());

        assertThat(settings.skipUnavailable()).containsExactlyInAnyOrder("pgbouncer", "kafka");
        assertThat(settings.skipsWhenUnavailable("pgbouncer")).isTrue();
        assertThat(settings.skipsWhenUnavailable("postgres")).isFalse();
        assertThat(TestServerSettings.builder()
                        .skipUnavailable(List.of("all"))
                        .build()
                        .skipsWhenUnavailable("redis"))
                .isTrue();
    }

    @Test
    void skipUnavailableRejectsWhatIsNotAServerName() {
        assertThatThrownBy(() -> TestServerSettings.builder()
                        .skipUnavailable(List.of("pg bouncer"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "skipUnavailable (PLATFORM_TEST_SKIP_UNAVAILABLE) must list server names such as pgbouncer,kafka"
                                + " or all (was 'pg bouncer')");
    }

    @Test
    void rootIsRejectedAsTheOsUserForPostgres() {
        assertThatThrownBy(() ->
                        TestServerSettings.builder().postgresOsUser("root").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("postgresOsUser (PLATFORM_TEST_POSTGRES_OS_USER) must name an OS user other than root"
                        + " (was 'root'): initdb refuses to run as root");
    }

    @Test
    void readsTheBinaryCacheAndTheOsUser() {
        TestServerSettings settings = TestServerSettings.fromEnvironment(
                Map.of("PLATFORM_TEST_BINARY_CACHE", "/var/cache/adx", "PLATFORM_TEST_POSTGRES_OS_USER", "nobody"),
                new Properties());

        assertThat(settings.binaryCache()).isEqualTo(java.nio.file.Path.of("/var/cache/adx"));
        assertThat(settings.postgresOsUser()).isEqualTo("nobody");
    }

    @Test
    void replicaWithoutPrimaryIsRejected() {
        assertThatThrownBy(() -> TestServerSettings.builder()
                        .postgresReplicaUrls(List.of("jdbc:postgresql://r1:5432/postgres"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "postgresReplicaUrls (PLATFORM_TEST_POSTGRES_REPLICA_URL) is set but postgresUrl"
                                + " (PLATFORM_TEST_POSTGRES_URL) is not");
    }

    @Test
    void nonPostgresUrlIsRejectedWithAnExample() {
        assertThatThrownBy(() -> TestServerSettings.builder()
                        .postgresUrl("mysql://db:3306/x")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "postgresUrl (PLATFORM_TEST_POSTGRES_URL) must start with jdbc:postgresql:// or postgresql://"
                                + " (was 'mysql://db:3306/x'); example: jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    }

    @Test
    void nonRedisUrlIsRejected() {
        assertThatThrownBy(() -> TestServerSettings.builder()
                        .redisUrl("rediss://cache:6379")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redisUrl (PLATFORM_TEST_REDIS_URL) must start with redis:// (was 'rediss://cache:6379');"
                        + " example: redis://127.0.0.1:6379");
    }

    @Test
    void zeroConnectTimeoutIsRejected() {
        assertThatThrownBy(() -> TestServerSettings.builder()
                        .connectTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout (PLATFORM_TEST_CONNECT_TIMEOUT) must be between 1 ms and 60 s (was PT0S)");
    }

    @Test
    void toStringMasksPasswords() {
        TestServerSettings settings = TestServerSettings.builder()
                .postgresUrl("jdbc:postgresql://db:5432/postgres?user=app&password=hunter2")
                .redisUrl("redis://:s3cret@cache:6379")
                .build();

        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .doesNotContain("s3cret")
                .contains("password=****")
                .contains("redis://:****@cache:6379");
    }

    @Test
    void systemPropertyNameMirrorsTheVariable() {
        assertThat(TestServerSettings.systemPropertyFor(TestServerSettings.POSTGRES_REPLICA_URL))
                .isEqualTo("platform.test.postgres.replica.url");
    }
}
