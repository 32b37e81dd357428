package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServerSettings.ServerMode;
import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a Kafka broker in the kit's order: explicit settings ({@value #BOOTSTRAP_SERVERS}), then Testcontainers
 * when a Docker daemon answers, then a private broker in a child JVM when the broker jars
 * ({@code dev.adxcore:platform-test-kafka}) are on the class path. The server mode, Docker host and connect
 * timeout come from {@link TestServerSettings}. Thread-safe (stateless). Expensive: finding a broker costs a
 * connect probe, and starting one costs seconds (a container or a child JVM).
 */
public final class KafkaDiscovery {
    /** Environment variable (or system property platform.test.kafka.bootstrap.servers): an existing broker. */
    public static final String BOOTSTRAP_SERVERS = "PLATFORM_TEST_KAFKA_BOOTSTRAP_SERVERS";
    /** Environment variable (or system property platform.test.kafka.image): the Docker image. */
    public static final String IMAGE = "PLATFORM_TEST_KAFKA_IMAGE";
    /** The Docker image used unless {@value #IMAGE} says otherwise. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.0.0";
    /** The test dependency that brings the broker jars. */
    public static final String BROKER_ARTIFACT = "dev.adxcore:platform-test-kafka";

    private static final Pattern SERVERS = Pattern.compile("[A-Za-z0-9._-]+:[0-9]{1,5}(,[A-Za-z0-9._-]+:[0-9]{1,5})*");
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDiscovery.class);

    private KafkaDiscovery() {}

    static @Nullable String read(String name) {
        String value = System.getProperty(TestServerSettings.systemPropertyFor(name));
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * @param settings the kit's settings (server mode, Docker host, connect timeout)
     * @return a broker from the first source that can provide one
     * @throws TestServersUnavailableException naming the three options when none can
     * @throws IllegalArgumentException when {@value #BOOTSTRAP_SERVERS} is malformed
     */
    public static KafkaHost find(TestServerSettings settings) {
        String explicit = read(BOOTSTRAP_SERVERS);
        if (explicit != null) {
            return explicit(explicit, settings.connectTimeout());
        }
        boolean jars = LocalKafka.available();
        String dockerFinding = "skipped (" + TestServerSettings.SERVERS + "=local)";
        if (settings.serverMode() != ServerMode.LOCAL) {
            DockerProbe.Result probe = DockerProbe.probe(settings.dockerHost());
            dockerFinding = probe.description();
            if (probe.answered()) {
                String image = read(IMAGE);
                image = image == null ? DEFAULT_IMAGE : image;
                try {
                    return KafkaContainers.start(image);
                } catch (RuntimeException | LinkageError e) {
                    if (!jars || settings.serverMode() == ServerMode.DOCKER) {
                        throw new TestServersUnavailableException(
                                "a Docker daemon answered but the Kafka container (" + image
                                        + ") did not start: " + e.getMessage() + "; set " + TestServerSettings.SERVERS
                                        + "=local and add the"
                                        + " test dependency " + BROKER_ARTIFACT + ", or set " + BOOTSTRAP_SERVERS
                                        + " to a running broker",
                                e);
                    }
                    LOG.warn(
                            "Kafka container did not start ({}); using a private local broker instead",
                            e.getMessage(),
                            e);
                    dockerFinding = "a daemon answered but the container did not start: " + e.getMessage();
                }
            } else if (settings.serverMode() == ServerMode.DOCKER) {
                throw new TestServersUnavailableException(
                        TestServerSettings.SERVERS + "=docker but " + dockerFinding + "; start Docker, or set "
                                + TestServerSettings.SERVERS + "=auto",
                        null);
            }
        }
        if (jars) {
            return LocalKafka.launchNew();
        }
        throw new TestServersUnavailableException(
                "No Kafka broker for the tests. The kit tried, in order:\n"
                        + "  1. explicit settings: " + BOOTSTRAP_SERVERS + " is not set;\n"
                        + "  2. Testcontainers: " + dockerFinding + ";\n"
                        + "  3. a private broker in a child JVM: the Kafka server jars are not on the test class path ("
                        + LocalKafka.MAIN_CLASS + " or kafka.Kafka not found).\n"
                        + "Fix one: set " + BOOTSTRAP_SERVERS
                        + " to a running broker (host:port[,host:port]), start a Docker daemon,"
                        + " or add the test dependency " + BROKER_ARTIFACT + " (version from platform-bom).",
                null);
    }

    private static KafkaHost explicit(String servers, Duration timeout) {
        if (!SERVERS.matcher(servers).matches()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS + " must be host:port[,host:port] (was '" + servers
                    + "'); example: 127.0.0.1:9092");
        }
        String first = servers.split(",")[0];
        int colon = first.lastIndexOf(':');
        String host = first.substring(0, colon);
        int port = Integer.parseInt(first.substring(colon + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    BOOTSTRAP_SERVERS + "=" + servers + " does not answer: "
                            + e.getMessage() + " (" + first + ", waited up to " + timeout.toMillis()
                            + " ms). Start that broker or fix"
                            + " the setting, or unset it so that the kit uses Testcontainers (when a Docker daemon answers) or a private"
                            + " broker (with the test dependency " + BROKER_ARTIFACT + ").",
                    e);
        }
        return new KafkaHost() {
            @Override
            public Source source() {
                return Source.SETTINGS;
            }

            @Override
            public String bootstrapServers() {
                return servers;
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }
}
