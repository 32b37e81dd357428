package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.ProcessFaults;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A private PgBouncer in <b>transaction pooling</b> mode in front of a kit cluster's primary, started
 * on demand from the local binary (Debian package {@code pgbouncer}; {@code scripts/ensure-test-servers.sh}
 * installs it; {@value #ENV_BINARY} names another binary). Clients share {@code serverConnections}
 * server connections (1 by default, so every client of a test runs on the same backend, as a busy
 * pooler would make them), {@code auth_type=trust} for the users given, extra startup parameters of
 * pgjdbc ignored. PgBouncer before 1.21 has no prepared statements in transaction mode: clients must
 * use {@code prepareThreshold=0} ({@link #jdbcUrl(String)} adds it).
 *
 * <pre>{@code
 * try (PgBouncer bouncer = PgBouncer.start(pg, List.of("app"))) {
 *     String url = bouncer.jdbcUrl(pg.databaseName());   // jdbc:postgresql://127.0.0.1:port/db?prepareThreshold=0
 * }
 * }</pre>
 *
 * <p>For fault tests it can be crashed ({@link #crash()}, SIGKILL) and started again on the same port
 * ({@link #restart()}), frozen ({@link #freeze()}, SIGSTOP, until {@link #thaw()}), and reached through a
 * {@link FaultProxy} ({@link #proxy()}).
 *
 * <p>Thread-safe. Costs one process; {@link #close()} stops it.
 *
 * @since 0.2.0
 */
public final class PgBouncer implements AutoCloseable {

    /** Environment variable naming the pgbouncer binary (default: {@code pgbouncer} on the PATH, else /usr/sbin/pgbouncer). */
    public static final String ENV_BINARY = "PLATFORM_TEST_PGBOUNCER_BIN";

    private final List<String> command;
    private final int port;
    private final Path workDir;
    private Process process;
    private final ProcessFaults faults;
    private @Nullable FaultProxy proxy;

    private PgBouncer(List<String> command, Process process, int port, Path workDir) {
        this.command = List.copyOf(command);
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.faults = new ProcessFaults(
                "pgbouncer on 127.0.0.1:" + port, "restart()", () -> ProcessFaults.alive(this.process));
    }

    /**
     * Whether a pgbouncer binary is installed.
     *
     * @return true when {@link #start(PostgresCluster, List)} can run
     */
    public static boolean isAvailable() {
        return binary() != null;
    }

    /**
     * Starts PgBouncer with one server connection per database and user.
     *
     * @param pg the cluster whose primary it fronts
     * @param users the users that may log in (trusted, no password), e.g. the application role
     * @return the running pooler
     * @throws TestServersUnavailableException when no binary is installed or it does not start within 10 s
     */
    public static PgBouncer start(PostgresCluster pg, List<String> users) {
        return start(pg, users, 1);
    }

    /**
     * Starts PgBouncer in transaction pooling mode in front of the cluster's primary.
     *
     * @param pg the cluster whose primary it fronts
     * @param users the users that may log in (trusted, no password)
     * @param serverConnections server connections per database and user ({@code default_pool_size}), at least 1
     * @return the running pooler
     * @throws TestServersUnavailableException when no binary is installed or it does not start within 10 s
     */
    public static PgBouncer start(PostgresCluster pg, List<String> users, int serverConnections) {
        Objects.requireNonNull(pg, "pg");
        if (serverConnections < 1) {
            throw new IllegalArgumentException("serverConnections must be >= 1 (was " + serverConnections + ")");
        }
        String binary = binary();
        if (binary == null) {
            throw new TestServersUnavailableException(
                    "pgbouncer is not installed: run scripts/ensure-test-servers.sh "
                            + "(apt-get install pgbouncer) or set " + ENV_BINARY,
                    null);
        }
        URI target = URI.create(pg.primaryJdbcUrl().substring("jdbc:".length()));
        Set<String> allUsers = new LinkedHashSet<>(users);
        allUsers.add(pg.username());
        try {
            Path dir = Files.createTempDirectory("pgbouncer-");
            int port = freePort();
            StringBuilder auth = new StringBuilder();
            for (String u : allUsers) {
                auth.append('"').append(u.replace("\"", "\"\"")).append("\" \"\"\n");
            }
            Path authFile = dir.resolve("users.txt");
            Files.writeString(authFile, auth, StandardCharsets.UTF_8);
            String ini = "[databases]\n"
                    + "* = host=" + target.getHost() + " port=" + target.getPort() + "\n"
                    + "[pgbouncer]\n"
                    + "listen_addr = 127.0.0.1\n"
                    + "listen_port = " + port + "\n"
                    + "unix_socket_dir =\n"
                    + "auth_type = trust\n"
                    + "auth_file = " + authFile + "\n"
                    + "pool_mode = transaction\n"
                    + "default_pool_size = " + serverConnections + "\n"
                    + "max_client_conn = 500\n"
                    + "ignore_startup_parameters = extra_float_digits,options,search_path\n"
                    + "server_reset_query =\n"
                    + "log_connections = 0\nlog_disconnections = 0\n";
            Path config = dir.resolve("pgbouncer.ini");
            Files.writeString(config, ini, StandardCharsets.UTF_8);
            for (Path p : List.of(dir, authFile, config)) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
            List<String> command = new ArrayList<>(List.of(binary));
            if ("root".equals(System.getProperty("user.name"))) {
                command.add("-u");
                command.add(osUser());
            }
            command.add(config.toString());
            PgBouncer bouncer = new PgBouncer(command, launch(command, dir), port, dir);
            bouncer.awaitListening(Duration.ofSeconds(10));
            return bouncer;
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot start pgbouncer: " + e.getMessage(), e);
        }
    }

    private static Process launch(List<String> command, Path dir) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("pgbouncer.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    /**
     * Kills the pooler with SIGKILL, as a crash would: every client connection through it breaks.
     * {@link #restart()} starts it again on the same port. Idempotent.
     *
     * @since 0.3.0
     */
    public synchronized void crash() {
        faults.crash();
    }

    /**
     * Starts a crashed pooler again on the same port and configuration; returns once it listens. Does nothing
     * while it runs.
     *
     * @throws TestServersUnavailableException when it does not start within 10 s
     * @since 0.3.0
     */
    public synchronized void restart() {
        if (process.isAlive()) {
            return;
        }
        try {
            process = launch(command, workDir);
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot start pgbouncer again: " + e.getMessage(), e);
        }
        faults.reset();
        awaitListening(Duration.ofSeconds(10));
    }

    /**
     * Freezes the pooler (SIGSTOP): its port still accepts connections, nothing answers until {@link #thaw()}.
     * Idempotent.
     *
     * @throws IllegalStateException when it is not running
     * @since 0.3.0
     */
    public synchronized void freeze() {
        faults.freeze();
    }

    /**
     * Resumes a frozen pooler (SIGCONT). Idempotent.
     *
     * @since 0.3.0
     */
    public synchronized void thaw() {
        faults.thaw();
    }

    /**
     * A {@link FaultProxy} in front of the pooler, started on first call and closed with it; its
     * {@link FaultProxy#url()} is a {@code jdbc:postgresql://127.0.0.1:<proxy port>/} prefix: append the
     * database name and {@code ?prepareThreshold=0}, or use {@link #jdbcUrl(FaultProxy, String)}.
     *
     * @return the proxy (the same one on every call)
     * @since 0.3.0
     */
    public synchronized FaultProxy proxy() {
        FaultProxy current = proxy;
        if (current == null) {
            current = FaultProxy.start("127.0.0.1", port, p -> "jdbc:postgresql://127.0.0.1:" + p + "/", null);
            proxy = current;
        }
        return current;
    }

    /**
     * Like {@link #jdbcUrl(String)}, through a proxy of this pooler.
     *
     * @param through the proxy from {@link #proxy()}
     * @param database the database name
     * @return {@code jdbc:postgresql://127.0.0.1:<proxy port>/<database>?prepareThreshold=0}
     * @since 0.3.0
     */
    public String jdbcUrl(FaultProxy through, String database) {
        return "jdbc:postgresql://127.0.0.1:" + through.port() + "/" + database + "?prepareThreshold=0";
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new TestServersUnavailableException(
                        "pgbouncer exited with " + process.exitValue() + ": " + log(), null);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new TestServersUnavailableException(
                "pgbouncer did not listen on 127.0.0.1:" + port + " within " + timeout.toSeconds() + " s: " + log(),
                null);
    }

    private String log() {
        try {
            return Files.readString(workDir.resolve("pgbouncer.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * A credential-free JDBC URL of a database through the pooler, with {@code prepareThreshold=0}
     * (unnamed statements only, as PgBouncer 1.18 in transaction mode requires).
     *
     * @param database the database name, e.g. {@link PostgresCluster#databaseName()}
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>?prepareThreshold=0}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    /** @return the port it listens on (127.0.0.1) */
    public int port() {
        return port;
    }

    /** Stops the process and removes its files. Idempotent. */
    @Override
    public synchronized void close() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        faults.stop(Duration.ofSeconds(5));
        try (var files = Files.list(workDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(workDir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static @Nullable String binary() {
        String configured = System.getenv(ENV_BINARY);
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(java.io.File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        for (String d : dirs) {
            Path candidate = Path.of(d, "pgbouncer");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String osUser() {
        String configured = System.getenv(TestServerSettings.POSTGRES_OS_USER);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("postgres:"))
                    ? "postgres"
                    : "nobody";
        } catch (IOException e) {
            return "nobody";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "PgBouncer{127.0.0.1:" + port + ", transaction pooling}";
    }
}
