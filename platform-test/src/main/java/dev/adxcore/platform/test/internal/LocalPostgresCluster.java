package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private primary and streaming replicas started with {@code initdb} and {@code pg_ctl} in a
 * {@link Workspace} folder, listening on free ports of 127.0.0.1 with trust authentication. Replicas are made
 * with {@code pg_basebackup} when the binaries have it, else with the low-level backup API
 * ({@link LowLevelBackup}; zonky's bundles from Maven Central have no {@code pg_basebackup}); either way they
 * stream WAL from the primary through a replication slot of their own. Durability is off (fsync, full page
 * writes): the data is thrown away.
 */
final class LocalPostgresCluster implements PgServers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgresCluster.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    private final Path bin;
    private final Path workDir;
    private final @Nullable String osUser;
    private final Source source;
    private final Node primary;
    private final List<Node> replicas = new ArrayList<>();
    private boolean closed;

    private static final class Node {
        final Path dataDir;
        final Path log;
        final PgEndpoint endpoint;
        final ProcessFaults faults;
        volatile boolean running = true;

        Node(Path dataDir, Path log, PgEndpoint endpoint, String name) {
            this.dataDir = dataDir;
            this.log = log;
            this.endpoint = endpoint;
            this.faults = new ProcessFaults(
                    "Private PostgreSQL " + name + " on " + endpoint.address(),
                    "primary".equals(name) ? "startPrimary()" : "startReplica(int)",
                    () -> postmaster(this));
        }

        PgEndpoint endpoint() {
            return endpoint;
        }

        Path dataDir() {
            return dataDir;
        }
    }

    private LocalPostgresCluster(Path bin, Path workDir, @Nullable String osUser, Source source, Node primary) {
        this.bin = bin;
        this.workDir = workDir;
        this.osUser = osUser;
        this.source = source;
        this.primary = primary;
    }

    /** Initialises and starts a primary in {@code workDir} from installed binaries, as {@code postgres} when root. */
    static LocalPostgresCluster start(Path bin, Path workDir) {
        return start(bin, workDir, Source.LOCAL, OsUsers.postgresServerUser(null));
    }

    /**
     * Initialises and starts a primary in {@code workDir}.
     *
     * @param bin the folder holding initdb, pg_ctl and postgres (pg_basebackup is optional)
     * @param source where the binaries came from, as tests will see it
     * @param osUser the OS user that runs the servers (needed when this JVM is root), or {@code null}
     */
    static LocalPostgresCluster start(Path bin, Path workDir, Source source, @Nullable String osUser) {
        long started = System.nanoTime();
        Path dataDir = workDir.resolve("primary");
        Path log = workDir.resolve("primary.log");
        Exec.run(
                List.of(
                        tool(bin, "initdb"),
                        "-D",
                        dataDir.toString(),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync"),
                osUser,
                workDir.resolve("tools.log"),
                TOOL_TIMEOUT);
        appendConfig(
                dataDir,
                String.join(
                        "\n",
                        "listen_addresses = '127.0.0.1'",
                        "unix_socket_directories = ''",
                        "wal_level = replica",
                        "max_wal_senders = 16",
                        "max_replication_slots = 16",
                        "wal_keep_size = '512MB'",
                        "hot_standby = on",
                        "hot_standby_feedback = on",
                        "max_connections = 300",
                        "shared_buffers = '64MB'",
                        "fsync = off",
                        "full_page_writes = off",
                        "log_min_messages = warning",
                        ""));
        Node primary = startNode(bin, workDir, dataDir, log, osUser, "primary");
        LOG.info(
                "Private PostgreSQL primary ({} binaries in {}) started on {} in {} ms (data in {})",
                source.label(),
                bin,
                primary.endpoint().address(),
                (System.nanoTime() - started) / 1_000_000,
                dataDir);
        return new LocalPostgresCluster(bin, workDir, osUser, source, primary);
    }

    private static Node startNode(
            Path bin, Path workDir, Path dataDir, Path log, @Nullable String osUser, String name) {
        TestServersUnavailableException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = Workspace.freePort();
            appendConfig(dataDir, "port = " + port + "\n");
            try {
                Exec.run(
                        List.of(
                                tool(bin, "pg_ctl"),
                                "-D",
                                dataDir.toString(),
                                "-l",
                                log.toString(),
                                "-w",
                                "-t",
                                "60",
                                "start"),
                        osUser,
                        workDir.resolve("tools.log"),
                        TOOL_TIMEOUT);
                return new Node(dataDir, log, PgEndpoint.local(port), name);
            } catch (TestServersUnavailableException e) {
                // most likely another process took the port between our probe and the server's bind: retry
                last = e;
                LOG.debug("PostgreSQL {} did not start on port {}: {}", name, port, e.getMessage());
            }
        }
        throw new TestServersUnavailableException(
                "the private PostgreSQL " + name + " did not start; its log: " + Exec.tail(log, 0), last);
    }

    private static void appendConfig(Path dataDir, String text) {
        try {
            Files.writeString(
                    dataDir.resolve("postgresql.conf"), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot configure " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static String tool(Path bin, String name) {
        return bin.resolve(name).toString();
    }

    @Override
    public Source source() {
        return source;
    }

    @Override
    public PgEndpoint primary() {
        return primary.endpoint();
    }

    @Override
    public synchronized List<PgEndpoint> replicas(int count) {
        if (closed) {
            throw new IllegalStateException("the private PostgreSQL servers were already stopped");
        }
        while (replicas.size() < count) {
            replicas.add(startReplica(replicas.size() + 1));
        }
        List<PgEndpoint> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(replicas.get(i).endpoint());
        }
        return result;
    }

    private Node startReplica(int number) {
        long started = System.nanoTime();
        String name = "replica" + number;
        Path dataDir = workDir.resolve(name);
        String method;
        if (Files.isExecutable(bin.resolve("pg_basebackup"))) {
            method = "pg_basebackup";
            Exec.run(
                    List.of(
                            tool(bin, "pg_basebackup"),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(primary.endpoint().port()),
                            "-U",
                            "postgres",
                            "-D",
                            dataDir.toString(),
                            "-R",
                            "-X",
                            "stream",
                            "-C",
                            "-S",
                            name,
                            "-c",
                            "fast",
                            "--no-sync"),
                    osUser,
                    workDir.resolve("tools.log"),
                    TOOL_TIMEOUT);
        } else {
            method = "pg_backup_start/pg_backup_stop and a file copy";
            LowLevelBackup.cloneStandby(primary.endpoint(), primary.dataDir(), dataDir, name, osUser, TOOL_TIMEOUT);
        }
        Node node = startNode(bin, workDir, dataDir, workDir.resolve(name + ".log"), osUser, name);
        LOG.info(
                "Private PostgreSQL {} (hot standby of {}, base backup by {}) started on {} in {} ms",
                name,
                primary.endpoint().address(),
                method,
                node.endpoint().address(),
                (System.nanoTime() - started) / 1_000_000);
        return node;
    }

    @Override
    public boolean controllable() {
        return true;
    }

    @Override
    public boolean isRunning(int node) {
        Node n = node(node);
        return n.running && postmaster(n).isPresent();
    }

    /** The node's live postmaster, from {@code postmaster.pid}: a server killed from outside has none. */
    private static Optional<ProcessHandle> postmaster(Node n) {
        return Workspace.readPid(n.dataDir().resolve("postmaster.pid"))
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
    }

    @Override
    public synchronized void stop(int node) {
        Node n = node(node);
        if (!n.running || closed) {
            return;
        }
        if (postmaster(n).isEmpty()) {
            n.running = false;
            n.faults.reset();
            LOG.info(
                    "Private PostgreSQL {} on {} was not running (killed from outside)",
                    describe(node),
                    n.endpoint().address());
            return;
        }
        n.faults.thaw();
        Exec.run(
                List.of(tool(bin, "pg_ctl"), "-D", n.dataDir().toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                osUser,
                workDir.resolve("tools.log"),
                TOOL_TIMEOUT);
        n.running = false;
        LOG.info(
                "Private PostgreSQL {} on {} stopped",
                describe(node),
                n.endpoint().address());
    }

    @Override
    public synchronized void start(int node) {
        if (closed) {
            throw new IllegalStateException("the private PostgreSQL servers were already closed");
        }
        Node n = node(node);
        if (n.running && postmaster(n).isPresent()) {
            return;
        }
        Exec.run(
                List.of(
                        tool(bin, "pg_ctl"),
                        "-D",
                        n.dataDir().toString(),
                        "-l",
                        n.log.toString(),
                        "-w",
                        "-t",
                        "60",
                        "start"),
                osUser,
                workDir.resolve("tools.log"),
                TOOL_TIMEOUT);
        n.running = true;
        n.faults.reset();
        LOG.info(
                "Private PostgreSQL {} on {} started again",
                describe(node),
                n.endpoint().address());
    }

    @Override
    public synchronized void crash(int node) {
        if (closed) {
            throw new IllegalStateException("the private PostgreSQL servers were already closed");
        }
        Node n = node(node);
        n.faults.crash();
        n.running = false;
    }

    @Override
    public synchronized void freeze(int node) {
        if (closed) {
            throw new IllegalStateException("the private PostgreSQL servers were already closed");
        }
        node(node).faults.freeze();
    }

    @Override
    public synchronized void thaw(int node) {
        node(node).faults.thaw();
    }

    private static String describe(int node) {
        return node < 0 ? "primary" : "replica " + node;
    }

    private synchronized Node node(int node) {
        if (node < 0) {
            return primary;
        }
        if (node >= replicas.size()) {
            throw new IndexOutOfBoundsException("replica " + node + " does not exist: " + replicas.size() + " running");
        }
        return replicas.get(node);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = replicas.size() - 1; i >= 0; i--) {
            halt(replicas.get(i));
        }
        halt(primary);
        LOG.info("Private PostgreSQL servers stopped ({})", workDir);
    }

    private void halt(Node node) {
        if (!node.running) {
            return;
        }
        node.faults.thaw();
        try {
            Exec.run(
                    List.of(
                            tool(bin, "pg_ctl"),
                            "-D",
                            node.dataDir().toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "-t",
                            "30",
                            "stop"),
                    osUser,
                    workDir.resolve("tools.log"),
                    Duration.ofSeconds(40));
        } catch (TestServersUnavailableException e) {
            LOG.warn("pg_ctl stop failed for {}; killing the postmaster", node.dataDir(), e);
            Workspace.readPid(node.dataDir().resolve("postmaster.pid"))
                    .flatMap(ProcessHandle::of)
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
