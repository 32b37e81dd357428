package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Private servers never outlive their owner: not after close(), not after a failed run, not after a kill. */
class PrivateServersTest {

    @Test
    void closingStopsThePrivateServers() {
        List<Integer> ports = new ArrayList<>();
        try (PostgresCluster db = TestServers.privatePostgres(localSettings(), 1);
                RedisServer redis = TestServers.privateRedis(localSettings())) {
            ports.addAll(ports(db, redis));
            assertThat(ports).allMatch(PrivateServersTest::answers);
        }

        assertThat(ports).noneMatch(PrivateServersTest::answers);
    }

    @Test
    void serversStopWhenTheJvmExitsAfterAFailure() throws Exception {
        List<Integer> ports = runServerJvm("fail");

        assertThat(ports).hasSize(3).noneMatch(PrivateServersTest::answers);
    }

    @Test
    void serversOfAKilledJvmAreStoppedByTheNextRun() throws Exception {
        List<Integer> ports = runServerJvm("halt");
        assertThat(ports).hasSize(3).allMatch(PrivateServersTest::answers);

        TestServers.privateRedis(localSettings()).close();

        assertThat(ports).noneMatch(PrivateServersTest::answers);
    }

    /** Private servers as the environment configures them, never containers (which the kit does not control). */
    static TestServerSettings localSettings() {
        TestServerSettings environment = TestServerSettings.fromEnvironment();
        return environment.serverMode() == TestServerSettings.ServerMode.MAVEN
                ? environment
                : environment.toBuilder()
                        .serverMode(TestServerSettings.ServerMode.LOCAL)
                        .build();
    }

    static List<Integer> ports(PostgresCluster db, RedisServer redis) {
        List<Integer> ports = new ArrayList<>();
        ports.add(port(db.primaryJdbcUrl()));
        ports.add(port(db.replicaJdbcUrl(0)));
        ports.add(redis.port());
        return ports;
    }

    private static int port(String jdbcUrl) {
        String hostPort =
                jdbcUrl.substring("jdbc:postgresql://".length(), jdbcUrl.indexOf('/', "jdbc:postgresql://".length()));
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts {@link ServerOwningMain} in a JVM of its own and returns the ports it printed. */
    private static List<Integer> runServerJvm(String ending) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("platform.test.")) {
                command.add(
                        "-D" + name + "=" + System.getProperty(name)); // e.g. the PostgreSQL version Maven was given
            }
        }
        command.add(ServerOwningMain.class.getName());
        command.add(ending);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Integer> ports = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("PORT ")) {
                    ports.add(Integer.parseInt(line.substring(5).trim()));
                }
            }
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("child JVM finished; output:%n%s", output)
                .isTrue();
        assertThat(ports)
                .as("ports printed by the child JVM; output:%n%s", output)
                .hasSize(3);
        return ports;
    }
}
