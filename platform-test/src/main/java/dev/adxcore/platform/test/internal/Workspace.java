package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary folder holding this JVM's private servers: {@code <tmp>/adx-platform-test-<random>/}, with an
 * {@code owner.pid} file naming this JVM. Folders whose owner JVM is gone (killed before its shutdown hook
 * ran) are swept: their servers are stopped and the folder is deleted.
 */
final class Workspace {
    static final String PREFIX = "adx-platform-test-";
    static final String OWNER_FILE = "owner.pid";
    /** Written next to a private server's data: the pid of a process this kit started. */
    static final String PID_SUFFIX = ".pid";

    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    private Workspace() {}

    /** Creates a fresh folder for this JVM's servers; when root, the folder belongs to {@code postgres}. */
    static Path create() {
        return create(OsUsers.isRoot() ? "postgres" : null);
    }

    /**
     * Creates a fresh folder for this JVM's servers.
     *
     * @param owner the OS user the folder is given to (the user that runs PostgreSQL when this JVM is root), or
     *     {@code null} to keep it this JVM's
     */
    static Path create(@Nullable String owner) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        sweepStale(tmp);
        try {
            Path dir = Files.createTempDirectory(tmp, PREFIX);
            Files.writeString(
                    dir.resolve(OWNER_FILE),
                    Long.toString(ProcessHandle.current().pid()));
            if (owner != null) {
                OsUsers.chown(dir, owner);
            }
            return dir;
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot create a folder for private test servers in " + tmp + ": " + e.getMessage()
                            + "; set -Djava.io.tmpdir to a writable folder",
                    e);
        }
    }

    /** Stops the servers of folders whose owner JVM no longer runs, then deletes those folders. */
    static void sweepStale(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : dirs) {
                Optional<Long> owner = readPid(dir.resolve(OWNER_FILE));
                if (owner.isEmpty()
                        || ProcessHandle.of(owner.get())
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    continue;
                }
                LOG.info("Stopping servers left behind by JVM {} in {}", owner.get(), dir);
                killRecorded(dir);
                delete(dir);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not sweep stale test-server folders in {}", tmp, e);
        }
    }

    /** Kills every process recorded in {@code <name>.pid} files or postgres {@code postmaster.pid} files under {@code dir}. */
    static void killRecorded(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            files.filter(p -> p.getFileName() != null)
                    .filter(p -> p.getFileName().toString().endsWith(PID_SUFFIX)
                            && !p.getFileName().toString().equals(OWNER_FILE))
                    .forEach(p -> readPid(p).flatMap(ProcessHandle::of).ifPresent(Workspace::killServer));
        }
    }

    private static void killServer(ProcessHandle process) {
        String command = process.info().command().orElse("");
        if (command.contains("postgres") || command.contains("redis")) {
            process.destroyForcibly();
        }
    }

    static Optional<Long> readPid(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", p, e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
