package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private single-node KRaft broker (broker and controller in one process) in a child JVM, on free ports of
 * 127.0.0.1, with its log directory in a temporary folder. Besides its own listener it has a second one,
 * {@code PROXIED}, that advertises the port of a reserved socket: a fault proxy accepting there (see
 * {@link #proxyPath()}) keeps every client that bootstrapped through it behind it. The child runs
 * {@code dev.adxcore.platform.test.kafka.KafkaBrokerMain} (artifact {@code dev.adxcore:platform-test-kafka}) on
 * this JVM's class path and halts when this JVM is gone; {@link #close()} (called by a shutdown hook too) stops
 * it and deletes the folder. Thread-safe. Expensive: a child JVM (by default up to 512 MB of heap), started in
 * seconds.
 */
public final class LocalKafka implements KafkaHost {
    /** The child's main class, in platform-test-kafka. */
    public static final String MAIN_CLASS = "dev.adxcore.platform.test.kafka.KafkaBrokerMain";
    /** Environment variable (or system property platform.test.kafka.jvm.args): the child JVM's options. */
    public static final String JVM_ARGS = "PLATFORM_TEST_KAFKA_JVM_ARGS";

    private static final String DEFAULT_JVM_ARGS = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final int proxiedPort;
    private final ServerSocket proxyListener;
    private final String clusterId;
    private @Nullable Process process;
    private final ProcessFaults faults;

    private LocalKafka(Path dir, int port, int proxiedPort, ServerSocket proxyListener, String clusterId) {
        this.dir = dir;
        this.port = port;
        this.proxiedPort = proxiedPort;
        this.proxyListener = proxyListener;
        this.clusterId = clusterId;
        this.faults = new ProcessFaults(
                "Private Kafka broker on 127.0.0.1:" + port, "start()", () -> ProcessFaults.alive(this.process));
    }

    /** @return whether the broker's jars (platform-test-kafka) are on this JVM's class path */
    public static boolean available() {
        try {
            ClassLoader loader = LocalKafka.class.getClassLoader();
            Class.forName(MAIN_CLASS, false, loader);
            Class.forName("kafka.Kafka", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Starts a broker and returns once it is in its own cluster metadata.
     *
     * @return the running broker
     * @throws TestServersUnavailableException when it cannot be started
     */
    public static LocalKafka launchNew() {
        Path dir;
        try {
            dir = Files.createTempDirectory("adx-platform-test-kafka-");
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot create a folder for the private Kafka broker: " + e.getMessage()
                            + "; set -Djava.io.tmpdir to a writable folder",
                    e);
        }
        TestServersUnavailableException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = Workspace.freePort();
            int controllerPort = Workspace.freePort();
            int proxiedPort = Workspace.freePort();
            ServerSocket proxyListener = reserveProxyListener(dir);
            LocalKafka kafka = new LocalKafka(dir, port, proxiedPort, proxyListener, newClusterId());
            try {
                kafka.writeConfig(controllerPort);
                long started = System.nanoTime();
                kafka.launch();
                LOG.info(
                        "Private Kafka broker started on 127.0.0.1:{} in {} ms ({})",
                        port,
                        (System.nanoTime() - started) / 1_000_000,
                        dir);
                return kafka;
            } catch (TestServersUnavailableException e) {
                last = e; // most likely a port was taken between the probe and the bind: try other ports
                kafka.kill();
                closeQuietly(proxyListener);
                Workspace.delete(dir.resolve("data"));
            }
        }
        Workspace.delete(dir);
        throw last;
    }

    /** Binds the socket a fault proxy will accept on, so that its port is the broker's own from the start. */
    private static ServerSocket reserveProxyListener(Path dir) {
        try {
            return new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            Workspace.delete(dir);
            throw new TestServersUnavailableException(
                    "cannot open a port for the private Kafka broker's fault proxy: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.trace("closing the reserved proxy port failed", e);
        }
    }

    private static String newClusterId() {
        UUID id = UUID.randomUUID();
        ByteBuffer b =
                ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private void writeConfig(int controllerPort) {
        String config = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                // PLAINTEXT first: KafkaBrokerMain checks readiness on the first advertised listener
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",PROXIED://127.0.0.1:" + proxiedPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                // a client that bootstraps through the proxy is told the proxy's address, so it stays behind it
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",PROXIED://127.0.0.1:"
                        + proxyListener.getLocalPort(),
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // tests: a new consumer group starts at once, and short session timeouts are allowed
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=1000",
                // topics are created on purpose (the event bus creates its own), never by a typo
                "auto.create.topics.enable=false",
                "");
        try {
            Files.writeString(dir.resolve("server.properties"), config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot write " + dir.resolve("server.properties") + ": " + e.getMessage(), e);
        }
    }

    private void launch() {
        Path log = dir.resolve("broker.log");
        Path ready = dir.resolve("ready");
        try {
            Files.deleteIfExists(ready);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : jvmArgs().trim().split("\\s+")) {
                if (!arg.isEmpty()) {
                    command.add(arg);
                }
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(MAIN_CLASS);
            command.add(dir.resolve("server.properties").toString());
            command.add(clusterId);
            command.add(Long.toString(ProcessHandle.current().pid()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot start the Kafka broker JVM: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Process p = process;
        while (System.nanoTime() < deadline) {
            if (Files.exists(ready)) {
                return;
            }
            if (!p.isAlive()) {
                throw new TestServersUnavailableException(
                        "the private Kafka broker exited with code " + p.exitValue() + " while starting on port " + port
                                + "; its log: " + Exec.tail(log, 0),
                        null);
            }
            sleep(50);
        }
        p.destroyForcibly();
        throw new TestServersUnavailableException(
                "the private Kafka broker did not start within " + START_TIMEOUT.toSeconds() + " s on port " + port
                        + "; its log: " + Exec.tail(log, 0),
                null);
    }

    private static String jvmArgs() {
        String value = System.getProperty("platform.test.kafka.jvm.args");
        if (value == null || value.isBlank()) {
            value = System.getenv(JVM_ARGS);
        }
        return value == null || value.isBlank() ? DEFAULT_JVM_ARGS : value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServersUnavailableException("interrupted while starting Kafka", e);
        }
    }

    @Override
    public Source source() {
        return Source.LOCAL;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public boolean controllable() {
        return true;
    }

    @Override
    public Optional<ProxyPath> proxyPath() {
        return Optional.of(new ProxyPath(proxyListener, proxiedPort));
    }

    @Override
    public synchronized void stop() {
        if (process != null) {
            faults.stop(STOP_TIMEOUT);
            process = null;
            LOG.info("Private Kafka broker on 127.0.0.1:{} stopped", port);
        }
    }

    @Override
    public synchronized void kill() {
        if (process != null) {
            faults.crash();
            process = null;
        }
    }

    @Override
    public synchronized void start() {
        faults.requireOpen();
        if (ProcessFaults.alive(process).isEmpty()) {
            process = null;
            faults.reset();
            launch();
            LOG.info("Private Kafka broker on 127.0.0.1:{} started again", port);
        }
    }

    @Override
    public synchronized void freeze() {
        faults.freeze();
    }

    @Override
    public synchronized void thaw() {
        faults.thaw();
    }

    @Override
    public synchronized void close() {
        if (faults.isClosed()) {
            return;
        }
        faults.crash(); // throwaway data: no need to wait for a clean shutdown
        faults.markClosed();
        process = null;
        closeQuietly(proxyListener);
        Workspace.delete(dir);
    }

    @Override
    public String toString() {
        return "LocalKafka{127.0.0.1:" + port + ", " + dir + '}';
    }
}
