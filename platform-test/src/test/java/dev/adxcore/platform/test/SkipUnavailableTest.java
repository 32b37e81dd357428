package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * PLATFORM_TEST_SKIP_UNAVAILABLE: a test whose server no source can provide fails with the kit's message,
 * unless the setting names that server; then JUnit reports it as skipped (aborted) with the same message.
 * The sample classes below get a Redis that does not answer (an explicit URL on a closed port).
 */
class SkipUnavailableTest {

    @Test
    void aTestWhoseServerIsUnavailableFailsWithTheKitsMessage() throws IOException {
        EngineExecutionResults results = runWith(Map.of(), NeedsRedis.class);

        results.testEvents()
                .assertStatistics(stats -> stats.started(1).failed(1).aborted(0));
        results.testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(finishedWithFailure(message(m -> m.contains("PLATFORM_TEST_REDIS_URL=redis://127.0.0.1:")
                                && m.contains("does not answer")))));
    }

    @Test
    void aTestWhoseServerIsListedIsSkippedWithTheKitsMessage() throws IOException {
        EngineExecutionResults results =
                runWith(Map.of("platform.test.skip.unavailable", "pgbouncer, redis"), NeedsRedis.class);

        results.testEvents()
                .assertStatistics(stats -> stats.started(1).failed(0).aborted(1));
        TestExecutionResult result =
                only(results.testEvents().aborted().list()).getRequiredPayload(TestExecutionResult.class);
        assertThat(result.getThrowable())
                .get()
                .asString()
                .contains("skipped: PLATFORM_TEST_SKIP_UNAVAILABLE lists redis")
                .contains("does not answer");
    }

    @Test
    void listingAnotherServerStillFails() throws IOException {
        EngineExecutionResults results =
                runWith(Map.of("platform.test.skip.unavailable", "pgbouncer,kafka"), NeedsRedis.class);

        results.testEvents()
                .assertStatistics(stats -> stats.started(1).failed(1).aborted(0));
    }

    @Test
    void aServerListedForAllTestsOfAClassInBeforeAllSkipsTheClass() throws IOException {
        EngineExecutionResults results =
                runWith(Map.of("platform.test.skip.unavailable", "all"), NeedsRedisInBeforeAll.class);

        results.containerEvents().assertStatistics(stats -> stats.aborted(1).failed(0));
        results.testEvents().assertStatistics(stats -> stats.failed(0).succeeded(0));
    }

    @Test
    void serversAreNamedAfterTheirParameterTypes() {
        assertThat(PlatformTestExtension.serverName(PostgresCluster.class)).isEqualTo("postgres");
        assertThat(PlatformTestExtension.serverName(RedisServer.class)).isEqualTo("redis");
        assertThat(PlatformTestExtension.serverName(PgBouncerServer.class)).isEqualTo("pgbouncer");
        assertThat(PlatformTestExtension.serverName(KafkaBroker.class)).isEqualTo("kafka");
    }

    /** Runs {@code sample} with a Redis URL on a closed port and {@code properties} set meanwhile. */
    private static EngineExecutionResults runWith(Map<String, String> properties, Class<?> sample) throws IOException {
        Properties saved = (Properties) System.getProperties().clone();
        try {
            System.setProperty("platform.test.redis.url", "redis://127.0.0.1:" + ExplicitSettingsTest.closedPort());
            properties.forEach(System::setProperty);
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(sample))
                    .execute();
        } finally {
            System.setProperties(saved);
        }
    }

    private static Event only(java.util.List<Event> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    @PlatformTest(isolatedServers = true)
    static class NeedsRedis {
        @Test
        void usesRedis(RedisServer redis) {
            assertThat(redis.uri()).startsWith("redis://");
        }
    }

    @PlatformTest(isolatedServers = true)
    static class NeedsRedisInBeforeAll {
        @BeforeAll
        static void connect(RedisServer redis) {
            assertThat(redis.uri()).startsWith("redis://");
        }

        @Test
        void runs() {
            assertThat(true).isTrue();
        }
    }

    /** Stands for a kit type added later (the names matter, not the classes). */
    static final class PgBouncerServer {}

    static final class KafkaBroker {}
}
