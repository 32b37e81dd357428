package dev.adxcore.platform.benchmarks.testkit;

import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServerSettings.ServerMode;
import dev.adxcore.platform.test.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Start-up time of the test kit's private servers per source, measured in one run so that the sources are
 * compared under the same machine load: installed binaries ({@code PLATFORM_TEST_SERVERS=local}) against the
 * binaries from Maven Central ({@code =maven}), for a primary alone, a primary with one and with two streaming
 * replicas, and Redis. A round is what a test waits for: from the call to {@code TestServers.privatePostgres}
 * (servers started, the test database created and replicated) or {@code privateRedis} until it returns; stopping
 * is not counted. The Maven source is also measured once with an empty binary cache (the first run after Maven
 * downloaded the artifacts, which unpacks them).
 *
 * <p>Run alone on a quiet machine (the PostgreSQL version follows {@code PLATFORM_TEST_POSTGRES_VERSION}, whose
 * bundle must be in the jar: build it with {@code -Dplatform.test.postgres.version=N} for another version):
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.adxcore.platform.benchmarks.testkit.ServerStartupDriver 5
 * </pre>
 */
public final class ServerStartupDriver {

    private ServerStartupDriver() {}

    /**
     * @param args optional number of rounds per measurement (default 5)
     * @throws IOException when the temporary binary cache cannot be made
     */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        TestServerSettings environment = TestServerSettings.fromEnvironment();
        System.out.printf(
                "PostgreSQL %d, %d rounds each; milliseconds until the handle is usable (median / min / max)%n",
                environment.postgresVersion(), rounds);
        System.out.printf("%-8s %-22s %8s %8s %8s%n", "source", "servers", "median", "min", "max");
        for (ServerMode mode : List.of(ServerMode.LOCAL, ServerMode.MAVEN)) {
            TestServerSettings settings =
                    environment.toBuilder().serverMode(mode).build();
            String expected = mode == ServerMode.LOCAL ? "local" : "maven";
            for (int replicas = 0; replicas <= 2; replicas++) {
                int count = replicas;
                measure(expected, replicas == 0 ? "primary" : "primary + " + replicas + " replica(s)", rounds, () -> {
                    try (PostgresCluster pg = TestServers.privatePostgres(settings, count)) {
                        return pg.source();
                    }
                });
            }
            measure(expected, "redis", rounds, () -> {
                try (RedisServer redis = TestServers.privateRedis(settings)) {
                    return redis.source();
                }
            });
        }
        Path cold = Files.createTempDirectory("adx-startup-cold-");
        try {
            TestServerSettings coldMaven = environment.toBuilder()
                    .serverMode(ServerMode.MAVEN)
                    .binaryCache(cold)
                    .build();
            measure("maven", "primary, empty cache", 1, () -> {
                try (PostgresCluster pg = TestServers.privatePostgres(coldMaven, 0)) {
                    return pg.source();
                }
            });
            measure("maven", "redis, empty cache", 1, () -> {
                try (RedisServer redis = TestServers.privateRedis(coldMaven)) {
                    return redis.source();
                }
            });
        } finally {
            try (Stream<Path> files = Files.walk(cold)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void measure(String expectedSource, String what, int rounds, Supplier<String> start) {
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long started = System.nanoTime();
            String source;
            try {
                source = start.get();
            } catch (RuntimeException e) {
                System.out.printf(
                        "%-8s %-22s unavailable: %s%n",
                        expectedSource, what, firstLine(String.valueOf(e.getMessage())));
                return;
            }
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            if (!source.equals(expectedSource)) {
                System.out.printf("%-8s %-22s not measured: the kit used %s servers%n", expectedSource, what, source);
                return;
            }
            millis.add(elapsed);
        }
        millis.sort(Long::compare);
        System.out.printf(
                "%-8s %-22s %8d %8d %8d%n",
                expectedSource, what, millis.get(millis.size() / 2), millis.get(0), millis.get(millis.size() - 1));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
