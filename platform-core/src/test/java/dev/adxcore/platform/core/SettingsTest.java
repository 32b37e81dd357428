package dev.adxcore.platform.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SettingsTest {

    enum Mode {
        READ_ONLY,
        READ_WRITE
    }

    @Test
    void oneDurationGrammarForEverySetting() {
        assertThat(Settings.parseDuration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("x", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("x", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Settings.parseDuration("x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Settings.parseDuration("x", "2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Settings.parseDuration("x", "250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Settings.parseDuration("x", "7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Settings.parseDuration("x", " PT0.5S ")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("x", "pt30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("x", "P1D")).isEqualTo(Duration.ofDays(1));
        assertThat(Settings.parseDuration("x", "0s")).isEqualTo(Duration.ZERO);
        assertThat(Settings.parseDuration("x", "10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBareNumberIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Settings.parseDuration("PLATFORM_X_TIMEOUT", "30"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PLATFORM_X_TIMEOUT must be a duration with a unit, such as 500ms, 30s, 5m, 1h or PT30S "
                        + "(was '30': a bare number is ambiguous, write 30s or 30ms)");
        assertThatThrownBy(() -> Settings.parseDuration("x", "0")).hasMessageContaining("bare number");
    }

    @Test
    void malformedAndNegativeDurationsAreRefused() {
        for (String bad :
                new String[] {"", "s", "1.5s", "5 s", "10 sec", "PT", "-PT1S", "ten", "99999999999999999999s"}) {
            assertThatThrownBy(() -> Settings.parseDuration("d", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("d must");
        }
        assertThatThrownBy(() -> Settings.parseDuration("d", "-5s")).hasMessage("d must not be negative (was '-5s')");
    }

    @Test
    void formatWritesWhatParseReads() {
        for (Duration d : new Duration[] {
            Duration.ZERO,
            Duration.ofMillis(1500),
            Duration.ofSeconds(2),
            Duration.ofMinutes(5),
            Duration.ofHours(3),
            Duration.ofNanos(250_000),
            Duration.ofNanos(7),
            Duration.ofSeconds(90)
        }) {
            assertThat(Settings.parseDuration("x", Settings.formatDuration(d))).isEqualTo(d);
        }
        assertThat(Settings.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Settings.formatDuration(Duration.ofMinutes(120))).isEqualTo("2h");
    }

    @Test
    void typedGettersNameTheSettingInErrors() {
        Settings s = Settings.of(Map.of(
                "N",
                "12",
                "B",
                "TRUE",
                "L",
                " a, b ,,c ",
                "E",
                "read-write",
                "U",
                "redis://u:pw@h:1",
                "BAD_N",
                "1x",
                "BAD_B",
                "yes",
                "BAD_E",
                "sideways",
                "BAD_U",
                "redis://u:pw@h:1/a b",
                "BLANK",
                "   "));
        assertThat(s.integer("N")).contains(12);
        assertThat(s.longInteger("N")).contains(12L);
        assertThat(s.bool("B")).contains(true);
        assertThat(s.list("L")).containsExactly("a", "b", "c");
        assertThat(s.list("MISSING")).isEmpty();
        assertThat(s.enumValue("E", Mode.class)).contains(Mode.READ_WRITE);
        assertThat(s.uri("U")).contains(URI.create("redis://u:pw@h:1"));
        assertThat(s.string("BLANK")).isEmpty();
        assertThatThrownBy(() -> s.integer("BAD_N")).hasMessage("BAD_N must be a whole number (was '1x')");
        assertThatThrownBy(() -> s.bool("BAD_B")).hasMessage("BAD_B must be true or false (was 'yes')");
        assertThatThrownBy(() -> s.enumValue("BAD_E", Mode.class))
                .hasMessage("BAD_E must be one of read-only, read-write (was 'sideways')");
        assertThatThrownBy(() -> s.uri("BAD_U"))
                .hasMessageStartingWith("BAD_U must be a URI (was 'redis://u:****@h:1/a b'")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> s.require("MISSING")).hasMessage("MISSING is required but not set");
    }

    @Test
    void environmentLookupPrefersTheSystemProperty() {
        String name = "PLATFORM_CORE_TEST_ONLY_SETTING";
        Settings env = Settings.fromEnvironment();
        assertThat(env.string(name)).isEmpty();
        System.setProperty("platform.core.test.only.setting", "250ms");
        try {
            assertThat(env.duration(name)).contains(Duration.ofMillis(250));
            assertThat(env.names()).contains(name);
            System.setProperty("platform.core.test.only.setting", "15");
            assertThatThrownBy(() -> env.duration(name))
                    .hasMessageStartingWith(
                            name + " (-Dplatform.core.test.only.setting or environment variable) must be a duration");
        } finally {
            System.clearProperty("platform.core.test.only.setting");
        }
        assertThat(env.string("PATH")).isPresent();
    }

    @Test
    void uriQueryParametersAreSettings() {
        URI uri = URI.create("redis://:pw@cache:6379/0?blockTime=200ms&batchSize=64&clientName=a%20b&flag");
        Settings q = Settings.fromUriQuery(uri);
        assertThat(q.names()).containsExactlyInAnyOrder("blockTime", "batchSize", "clientName", "flag");
        assertThat(q.duration("blockTime")).contains(Duration.ofMillis(200));
        assertThat(q.string("clientName")).contains("a b");
        assertThat(q.string("flag")).isEmpty();
        assertThatThrownBy(() -> q.integer("blockTime"))
                .hasMessage("URI parameter 'blockTime' must be a whole number (was '200ms')");
        assertThatThrownBy(() -> q.requireOnly(Set.of("blockTime", "batchSize", "clientName"), "redis URI parameter"))
                .hasMessage("unknown redis URI parameter 'flag' (known: batchSize, blockTime, clientName)");
        assertThatThrownBy(() -> Settings.fromUriQuery(URI.create("redis://:pw@h?a=1&a=2")))
                .hasMessage("URI parameter 'a' is given twice in redis://:****@h?a=1&a=2; give it once");
    }

    @Test
    void withoutParametersKeepsTheRestVerbatim() {
        URI uri = URI.create("redis://h:1/0?blockTime=2s&timeout=5s&clientName=a%20b#frag");
        assertThat(Settings.withoutParameters(uri, Set.of("blockTime")::contains))
                .isEqualTo(URI.create("redis://h:1/0?timeout=5s&clientName=a%20b#frag"));
        assertThat(Settings.withoutParameters(uri, n -> true)).isEqualTo(URI.create("redis://h:1/0#frag"));
        URI none = URI.create("kafka://b1:9092,b2:9092");
        assertThat(Settings.withoutParameters(none, n -> true)).isSameAs(none);
    }

    @Test
    void toStringMasksSecrets() {
        assertThat(Settings.of(Map.of("PLATFORM_DATABASE_PASSWORD", "s3cret", "URL", "redis://:pw@h"))
                        .toString())
                .doesNotContain("s3cret")
                .doesNotContain("pw@")
                .contains("PLATFORM_DATABASE_PASSWORD=****");
    }

    @Test
    void unitsAreNotConfused() {
        assertThat(Settings.parseDuration("x", "1m").toMillis()).isEqualTo(TimeUnit.MINUTES.toMillis(1));
        assertThat(Settings.parseDuration("x", "1ms").toMillis()).isEqualTo(1);
    }
}
