package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    private static DatabaseConfig.Builder valid() {
        return DatabaseConfig.builder()
                .primaryUrl("jdbc:postgresql://db:5432/app")
                .username("app");
    }

    @Test
    void maxConnectionsBelowMinConnectionsIsRejectedWithBothValues() {
        assertThatThrownBy(() -> valid().minConnections(5).maxConnections(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConnections must be >= minConnections (was 2 < 5)");
    }

    @Test
    void missingPrimaryUrlNamesTheVariableAndTheBuilderMethod() {
        assertThatThrownBy(() -> DatabaseConfig.builder().username("app").build())
                .hasMessage(
                        "primaryUrl is required (set PLATFORM_DB_PRIMARY_URL or DatabaseConfig.builder().primaryUrl(...))");
    }

    @Test
    void acquireTimeoutBelow250msIsRejected() {
        assertThatThrownBy(() -> valid().acquireTimeout(Duration.ofMillis(100)).build())
                .hasMessage("acquireTimeout must be >= 250ms (was 100ms)");
    }

    @Test
    void socketTimeoutDefaultsToFiveSecondsAndIsRoundedUpToWholeSeconds() {
        assertThat(valid().build().socketTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(valid().socketTimeout(Duration.ofMillis(1500)).build().socketTimeout())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void socketTimeoutBelowOneSecondIsRejectedWithTheWayToRunLongStatements() {
        assertThatThrownBy(() -> valid().socketTimeout(Duration.ofMillis(500)).build())
                .hasMessageContaining("socketTimeout must be between 1s and 1h (was 500ms)")
                .hasMessageContaining("Handle.allowLongStatements");
    }

    @Test
    void nonPostgresUrlIsRejected() {
        assertThatThrownBy(() -> valid().addReplicaUrl("jdbc:mysql://r1/app").build())
                .hasMessage("replicaUrls[0] must start with jdbc:postgresql: (was 'jdbc:mysql://r1/app')");
    }

    @Test
    void passwordInUrlIsRejectedWithoutRepeatingIt() {
        assertThatThrownBy(() -> valid().primaryUrl("jdbc:postgresql://db/app?password=s3cret")
                        .build())
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("must not contain a password");
    }

    @Test
    void toStringMasksThePassword() {
        DatabaseConfig config = valid().password("s3cret").build();
        assertThat(config.toString()).doesNotContain("s3cret").contains("password=****");
    }

    @Test
    void fromEnvironmentReadsEveryPlatformDbVariable() {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(Map.ofEntries(
                        Map.entry("PLATFORM_DB_PRIMARY_URL", "jdbc:postgresql://p/app"),
                        Map.entry("PLATFORM_DB_REPLICA_URLS", "jdbc:postgresql://r1/app, jdbc:postgresql://r2/app"),
                        Map.entry("PLATFORM_DB_USERNAME", "app"),
                        Map.entry("PLATFORM_DB_PASSWORD", "pw"),
                        Map.entry("PLATFORM_DB_NAME", "orders"),
                        Map.entry("PLATFORM_DB_MIN_CONNECTIONS", "1"),
                        Map.entry("PLATFORM_DB_MAX_CONNECTIONS", "7"),
                        Map.entry("PLATFORM_DB_ACQUIRE_TIMEOUT", "750ms"),
                        Map.entry("PLATFORM_DB_SOCKET_TIMEOUT", "12s"),
                        Map.entry("PLATFORM_DB_REPLICA_RECHECK_INTERVAL", "PT2S"),
                        Map.entry("PLATFORM_DB_MAX_REPLICA_LAG", "3s"),
                        Map.entry("PLATFORM_DB_ROLE_CHECK", "warn")))
                .build();
        assertThat(config.primaryUrl()).isEqualTo("jdbc:postgresql://p/app");
        assertThat(config.replicaUrls()).containsExactly("jdbc:postgresql://r1/app", "jdbc:postgresql://r2/app");
        assertThat(config.username()).isEqualTo("app");
        assertThat(config.password()).isEqualTo("pw");
        assertThat(config.name()).isEqualTo("orders");
        assertThat(config.minConnections()).isEqualTo(1);
        assertThat(config.maxConnections()).isEqualTo(7);
        assertThat(config.acquireTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.socketTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(config.replicaRecheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxReplicaLag()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.roleCheck()).isEqualTo(DatabaseConfig.RoleCheck.WARN);
    }

    @Test
    void fromEnvironmentNamesTheMalformedVariable() {
        assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of("PLATFORM_DB_ACQUIRE_TIMEOUT", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(sdkMessage(() -> Settings.parseDuration("PLATFORM_DB_ACQUIRE_TIMEOUT", "soon")))
                .hasMessageContaining("PLATFORM_DB_ACQUIRE_TIMEOUT")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of("PLATFORM_DB_MAX_CONNECTIONS", "ten")))
                .hasMessage(sdkMessage(() -> Settings.parseInt("PLATFORM_DB_MAX_CONNECTIONS", "ten")));
        // one grammar across the SDK: a bare number is refused (seconds? milliseconds?), an hour is written 1h
        assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of("PLATFORM_DB_SOCKET_TIMEOUT", "30")))
                .hasMessageContaining("PLATFORM_DB_SOCKET_TIMEOUT");
        assertThat(DatabaseConfig.fromEnvironment(Map.of(
                                "PLATFORM_DB_PRIMARY_URL",
                                "jdbc:postgresql://p/app",
                                "PLATFORM_DB_USERNAME",
                                "app",
                                "PLATFORM_DB_SOCKET_TIMEOUT",
                                "1h"))
                        .build()
                        .socketTimeout())
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void fromEnvironmentAlsoReadsSystemPropertiesAndReturnsABuilderLikeEveryOtherConfig() {
        System.setProperty("platform.db.primary.url", "jdbc:postgresql://from-property/app");
        try {
            DatabaseConfig config =
                    DatabaseConfig.fromEnvironment().username("app").build();
            assertThat(config.primaryUrl()).isEqualTo("jdbc:postgresql://from-property/app");
        } finally {
            System.clearProperty("platform.db.primary.url");
        }
    }

    private static String sdkMessage(Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the value was accepted");
    }

    @Test
    void causalTokenSurvivesItsTextForm() {
        CausalToken token = CausalToken.parse("1A/16B3748");
        assertThat(token.toString()).isEqualTo("1A/16B3748");
        assertThat(CausalToken.parse(token.toString())).isEqualTo(token);
        assertThat(token).isGreaterThan(CausalToken.parse("19/FFFFFFFF"));
        assertThatThrownBy(() -> CausalToken.parse("x")).hasMessage("causal token must look like 0/16B3748 (was 'x')");
    }
}
