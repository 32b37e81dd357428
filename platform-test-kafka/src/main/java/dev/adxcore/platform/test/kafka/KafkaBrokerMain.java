package dev.adxcore.platform.test.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Exit;

/**
 * The main class of the child JVM in which the test kit runs a single-node KRaft broker (broker and controller
 * in one process). Started by {@code platform-test}, never by tests:
 * {@code java -cp <test class path> dev.adxcore.platform.test.kafka.KafkaBrokerMain <server.properties>
 * <cluster id> <parent pid>}.
 *
 * <ol>
 *   <li>Formats the log directory with {@code kafka.tools.StorageTool} unless it already holds a
 *       {@code meta.properties} (a restart keeps its data).</li>
 *   <li>Starts the broker with {@code kafka.Kafka}, which stops cleanly on SIGTERM.</li>
 *   <li>Writes the file {@code ready} next to the properties file once an admin client sees the broker in the
 *       cluster metadata: that is what the kit waits for.</li>
 *   <li>Halts the JVM within half a second when the parent JVM is gone, so that a test JVM killed with
 *       SIGKILL leaves no broker behind.</li>
 * </ol>
 *
 * <p>Not thread-safe and not for use in a test JVM: it calls {@code System.exit} through Kafka.
 *
 * @since 0.1.0
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {}

    /**
     * Runs the broker until SIGTERM, SIGKILL or the parent's death.
     *
     * @param args the server.properties path, the cluster id, the parent JVM's pid
     * @throws Exception when the broker cannot be formatted or started
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: KafkaBrokerMain <server.properties> <cluster id> <parent pid>");
        }
        Path config = Path.of(args[0]);
        String clusterId = args[1];
        long parentPid = Long.parseLong(args[2]);
        watchParent(parentPid);

        Properties props = new Properties();
        try (var in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, clusterId);
        }
        Path ready = config.resolveSibling("ready");
        Files.deleteIfExists(ready);
        String bootstrap = firstListener(props.getProperty("advertised.listeners"));
        Thread readiness = new Thread(() -> awaitReady(bootstrap, ready), "kafka-broker-readiness");
        readiness.setDaemon(true);
        readiness.start();
        kafka.Kafka.main(new String[] {config.toString()});
    }

    /** The first of {@code NAME://host:port[,NAME://host:port]} as {@code host:port}: the kit's own listener. */
    static String firstListener(String advertisedListeners) {
        String first = advertisedListeners.split(",", 2)[0].trim();
        int scheme = first.indexOf("://");
        return scheme < 0 ? first : first.substring(scheme + 3);
    }

    private static void format(Path config, String clusterId) {
        int[] code = {0};
        Exit.setExitProcedure((status, message) -> {
            code[0] = status;
            throw new FormatExit(status, message);
        });
        try {
            kafka.tools.StorageTool.main(
                    new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"});
        } catch (FormatExit e) {
            if (e.status != 0) {
                throw new IllegalStateException("formatting the broker's log directory failed with exit code "
                        + e.status + ": " + e.getMessage());
            }
        } finally {
            Exit.resetExitProcedure();
        }
    }

    private static void awaitReady(String bootstrap, Path ready) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(2, TimeUnit.SECONDS)
                            .isEmpty()) {
                        Files.writeString(ready, "ready\n");
                        return;
                    }
                } catch (IOException e) {
                    System.err.println("cannot write " + ready + ": " + e);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("readiness check failed: " + e);
        }
    }

    private static void watchParent(long parentPid) {
        Thread watcher = new Thread(
                () -> {
                    while (true) {
                        boolean alive = ProcessHandle.of(parentPid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false);
                        if (!alive) {
                            System.err.println("parent JVM " + parentPid + " is gone: halting the broker");
                            Runtime.getRuntime().halt(3);
                        }
                        try {
                            Thread.sleep(Duration.ofMillis(500).toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "kafka-broker-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Thrown by the exit procedure while formatting, so that the JVM does not exit. */
    private static final class FormatExit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        FormatExit(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
