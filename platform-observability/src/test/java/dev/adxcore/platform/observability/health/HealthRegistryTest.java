package dev.adxcore.platform.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.adxcore.platform.core.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HealthRegistryTest {

    private static HealthRegistry.Builder registry() {
        return HealthRegistry.builder().discoverServiceLoaderChecks(false);
    }

    @Test
    void duplicateCheckNameIsRejectedNamingIt() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("database.primary", HealthResult::up));
            assertThatThrownBy(() -> health.register(HealthCheck.critical("database.primary", HealthResult::up)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "a health check named 'database.primary' is already registered; give each check a unique name");
        }
    }

    @Test
    void blankCheckNameIsRejected() {
        HealthCheck blank = new HealthCheck() {
            @Override
            public String name() {
                return "  ";
            }

            @Override
            public HealthResult check() {
                return HealthResult.up();
            }
        };
        try (HealthRegistry health = registry().build()) {
            assertThatThrownBy(() -> health.register(blank))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("health check name must not be blank (was '  ')");
        }
    }

    @Test
    void nonPositiveTimeoutsAreRejectedNamingTheSettingAndValue() {
        assertThatThrownBy(() -> registry().defaultTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "defaultTimeout must be > 0 (was PT0S); use a positive duration such as Duration.ofSeconds(2)");
        assertThatThrownBy(() -> registry().cacheTtl(Duration.ofSeconds(-1)).build())
                .hasMessage("cacheTtl must be >= 0 (was PT-1S); use Duration.ZERO to disable caching");
        HealthCheck negative = new HealthCheck() {
            @Override
            public String name() {
                return "cache";
            }

            @Override
            public HealthResult check() {
                return HealthResult.up();
            }

            @Override
            public java.util.Optional<Duration> timeout() {
                return java.util.Optional.of(Duration.ofMillis(-5));
            }
        };
        try (HealthRegistry health = registry().build()) {
            assertThatThrownBy(() -> health.register(negative))
                    .hasMessageStartingWith("timeout of health check 'cache' must be > 0 (was PT-0.005S)");
        }
    }

    @Test
    void environmentVariablesConfigureTheRegistryAndBadValuesAreNamed() {
        assertThatThrownBy(() -> HealthRegistry.fromEnvironment(Settings.of(Map.of("PLATFORM_HEALTH_TIMEOUT", "soon"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "PLATFORM_HEALTH_TIMEOUT must be a duration such as 500ms, 30s, 5m, 1h or PT30S (was 'soon')");
        try (HealthRegistry health = HealthRegistry.fromEnvironment(
                        Settings.of(Map.of("PLATFORM_HEALTH_TIMEOUT", "300ms")))
                .discoverServiceLoaderChecks(false)
                .build()) {
            health.register(HealthCheck.critical("hangs", () -> {
                Thread.sleep(10_000);
                return HealthResult.up();
            }));
            assertThat(health.health().checks().get("hangs").error()).contains("timed out after 300ms");
        }
    }

    @Test
    void checkThatThrowsIsDownWithTheExceptionAndOthersStillReport() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("broken", () -> {
                throw new IllegalStateException("connection refused");
            }));
            health.register(HealthCheck.critical("fine", HealthResult::up));
            HealthReport report = health.health();
            assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(report.checks().get("broken").error())
                    .contains("java.lang.IllegalStateException: connection refused");
            assertThat(report.checks().get("fine").status()).isEqualTo(HealthStatus.UP);
        }
    }

    @Test
    void checkThatReturnsNullIsDownWithTheReason() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("null", () -> null));
            HealthResult result = health.health().checks().get("null");
            assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(result.error()).contains("check returned null");
        }
    }

    @Test
    void concurrentProbesOfARunningCheckShareOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (HealthRegistry health = registry().cacheTtl(Duration.ZERO).build()) {
            health.register(HealthCheck.critical("db", () -> {
                runs.incrementAndGet();
                release.await();
                return HealthResult.up();
            }));
            List<CompletableFuture<HealthReport>> probes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                probes.add(health.readinessAsync());
            }
            release.countDown();
            for (CompletableFuture<HealthReport> p : probes) {
                assertThat(p.get(5, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.UP);
            }
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void probeStormWhileACheckRunsSharesOneReport() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HealthRegistry health = registry().cacheTtl(Duration.ofMinutes(5)).build()) {
            health.register(HealthCheck.critical("db", () -> {
                release.await();
                return HealthResult.up();
            }));
            health.register(HealthCheck.critical("fast", HealthResult::up));
            List<CompletableFuture<HealthReport>> probes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                probes.add(health.readinessAsync());
            }
            release.countDown();
            HealthReport first = probes.get(0).get(5, TimeUnit.SECONDS);
            for (CompletableFuture<HealthReport> p : probes) {
                assertThat(p.get(5, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(health.readiness()).isSameAs(first);
        }
    }

    @Test
    void checkThatIgnoresInterruptionIsNotStartedAgainWhileStillRunning() {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean release = new AtomicBoolean();
        try (HealthRegistry health = registry()
                .defaultTimeout(Duration.ofMillis(200))
                .cacheTtl(Duration.ZERO)
                .build()) {
            health.register(HealthCheck.critical("stubborn", () -> {
                runs.incrementAndGet();
                while (!release.get()) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // a badly written check that swallows the interruption
                    }
                }
                return HealthResult.up();
            }));
            assertThat(health.health().checks().get("stubborn").error()).contains("timed out after 200ms");
            HealthResult again = health.health().checks().get("stubborn");
            HealthResult third = health.health().checks().get("stubborn");
            assertThat(again.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(third.error().orElseThrow()).contains("the previous run has not returned for");
            assertThat(runs).hasValue(1);
            release.set(true);
        }
    }

    @Test
    void failingNonCriticalCheckDegradesInsteadOfDowning() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("database.primary", HealthResult::up));
            health.register(HealthCheck.nonCritical("database.replica", () -> HealthResult.down("lagging")));
            assertThat(health.readiness().status()).isEqualTo(HealthStatus.DEGRADED);
            health.register(HealthCheck.critical("redis", () -> HealthResult.down("refused")));
            assertThat(health.readiness().status()).isEqualTo(HealthStatus.DOWN);
        }
    }

    @Test
    void livenessIgnoresDependenciesAndIsUpWithoutLivenessChecks() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("database.primary", () -> HealthResult.down("refused")));
            HealthReport live = health.liveness();
            assertThat(live.status()).isEqualTo(HealthStatus.UP);
            assertThat(live.checks()).isEmpty();
            assertThat(health.readiness().status()).isEqualTo(HealthStatus.DOWN);
        }
    }

    @Test
    void checkAllReturnsEveryStatusByName() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("b", () -> HealthResult.down("x")));
            health.register(HealthCheck.critical("a", HealthResult::up));
            assertThat(health.checkAll())
                    .containsExactly(Map.entry("a", HealthStatus.UP), Map.entry("b", HealthStatus.DOWN));
        }
    }

    @Test
    void unregisteredCheckNoLongerReports() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("a", () -> HealthResult.down("x")));
            assertThat(health.unregister("a")).isTrue();
            assertThat(health.health().status()).isEqualTo(HealthStatus.UP);
            assertThat(health.unregister("a")).isFalse();
        }
    }

    @Test
    void serviceLoaderChecksAreDiscoveredByDefault() {
        try (HealthRegistry health = HealthRegistry.builder().build()) {
            assertThat(health.names()).contains(DiscoveredCheck.NAME);
            assertThat(health.health().checks().get(DiscoveredCheck.NAME).details())
                    .containsEntry("source", "ServiceLoader");
        }
        try (HealthRegistry health = registry().build()) {
            assertThat(health.names()).doesNotContain(DiscoveredCheck.NAME);
        }
    }

    @Test
    void reportJsonCarriesStatusDurationDetailsAndEscapedErrors() {
        try (HealthRegistry health = registry().build()) {
            health.register(HealthCheck.critical("db", () -> HealthResult.up(Map.of("lagBytes", 0))));
            health.register(HealthCheck.nonCritical("cache", () -> HealthResult.down("said \"no\"\nthen hung up")));
            String json = health.health().toJson();
            assertThat(json)
                    .startsWith(
                            "{\"status\":\"DEGRADED\",\"checks\":{\"cache\":{\"status\":\"DOWN\",\"critical\":false,\"durationMs\":");
            assertThat(json).contains("\"error\":\"said \\\"no\\\"\\nthen hung up\"");
            assertThat(json).contains("\"db\":{\"status\":\"UP\",\"critical\":true,\"durationMs\":");
            assertThat(json).contains("\"details\":{\"lagBytes\":0}");
        }
    }

    @Test
    void statusChangeIsLoggedOnceNotOnEveryProbe() {
        AtomicBoolean failing = new AtomicBoolean(true);
        ListAppender<ILoggingEvent> captured = capture();
        try (HealthRegistry health = registry().cacheTtl(Duration.ZERO).build()) {
            health.register(HealthCheck.critical(
                    "flappy.db", () -> failing.get() ? HealthResult.down("refused") : HealthResult.up()));
            for (int i = 0; i < 5; i++) {
                health.health();
            }
            failing.set(false);
            for (int i = 0; i < 5; i++) {
                health.health();
            }
        } finally {
            release(captured);
        }
        String log = messages(captured);
        assertThat(log.lines().filter(l -> l.contains("Health check 'flappy.db' is DOWN: refused")))
                .hasSize(1);
        assertThat(log.lines().filter(l -> l.contains("Health check 'flappy.db' is now UP (was DOWN)")))
                .hasSize(1);
        assertThat(log.lines().filter(l -> l.contains("flappy.db"))).hasSize(2);
    }

    @Test
    void slowCheckIsLoggedOnceWhenItBecomesSlow() {
        ListAppender<ILoggingEvent> captured = capture();
        try (HealthRegistry health = registry()
                .cacheTtl(Duration.ZERO)
                .slowThreshold(Duration.ofMillis(50))
                .build()) {
            health.register(HealthCheck.critical("sluggish", () -> {
                Thread.sleep(80);
                return HealthResult.up();
            }));
            for (int i = 0; i < 3; i++) {
                health.health();
            }
        } finally {
            release(captured);
        }
        String log = messages(captured);
        assertThat(log.lines().filter(l -> l.contains("Health check 'sluggish' is slow: took")))
                .hasSize(1);
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(HealthRegistry.class)).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(HealthRegistry.class)).detachAppender(appender);
    }

    private static String messages(ListAppender<ILoggingEvent> appender) {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            out.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
        }
        return out.toString();
    }
}
