package dev.adxcore.platform.test.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds installed PostgreSQL and Redis server binaries. */
final class Binaries {
    /** What a private PostgreSQL cluster needs; {@code pg_basebackup} is used when present. */
    static final List<String> POSTGRES_TOOLS = List.of("initdb", "pg_ctl", "postgres");

    private static final Logger LOG = LoggerFactory.getLogger(Binaries.class);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private Binaries() {}

    /** Where {@link #postgresBinDir} looks, for messages. */
    static String postgresSearchDescription(@Nullable Path configured) {
        if (configured != null) {
            return "PLATFORM_TEST_POSTGRES_BIN=" + configured;
        }
        return "PATH, /usr/lib/postgresql/<version>/bin, /usr/local/pgsql/bin and Homebrew's postgresql@<version>";
    }

    /** The first folder holding initdb, pg_ctl and postgres, of any version. */
    static Optional<Path> postgresBinDir(@Nullable Path configured) {
        return postgresBinDir(configured, 0, false);
    }

    /**
     * The first folder holding initdb, pg_ctl and postgres of PostgreSQL {@code major}: {@code configured} alone
     * when set (of any version unless {@code versionRequired}), else the usual places, skipping other versions.
     */
    static Optional<Path> postgresBinDir(@Nullable Path configured, int major, boolean versionRequired) {
        if (configured != null) {
            if (!hasPostgresTools(configured)) {
                return Optional.empty();
            }
            if (versionRequired) {
                int found = majorOf(configured);
                if (found != major) {
                    LOG.warn(
                            "PLATFORM_TEST_POSTGRES_BIN={} holds PostgreSQL {}, but PLATFORM_TEST_POSTGRES_VERSION={}: not used",
                            configured,
                            found,
                            major);
                    return Optional.empty();
                }
            }
            return Optional.of(configured);
        }
        List<Path> candidates = new ArrayList<>();
        Optional<Path> initdb = onPath("initdb");
        if (initdb.isPresent()) {
            try {
                Path real = initdb.get().toRealPath();
                Path parent = real.getParent();
                if (parent != null) {
                    candidates.add(parent);
                }
            } catch (IOException ignored) {
                // a dangling link: try the other places
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            List<Path> versions = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(debian)) {
                for (Path dir : dirs) {
                    versions.add(dir.resolve("bin"));
                }
            } catch (IOException ignored) {
                // unreadable: try the other places
            }
            versions.sort(Comparator.comparing(Binaries::versionOf).reversed());
            candidates.addAll(versions);
        }
        candidates.add(Path.of("/usr/local/pgsql/bin"));
        candidates.add(Path.of("/opt/homebrew/opt/postgresql@" + major + "/bin"));
        candidates.add(Path.of("/usr/local/opt/postgresql@" + major + "/bin"));
        for (Path candidate : candidates) {
            if (hasPostgresTools(candidate)) {
                int found = versionOf(candidate);
                if (found == 0) {
                    found = majorOf(candidate);
                }
                if (!versionRequired || found == major) {
                    return Optional.of(candidate);
                }
                LOG.debug(
                        "Installed PostgreSQL {} in {} skipped: the tests run against PostgreSQL {}",
                        found,
                        candidate,
                        major);
            }
        }
        return Optional.empty();
    }

    /** The major version of the binaries in {@code bin} ({@code postgres --version}), or -1 when it cannot tell. */
    static int majorOf(Path bin) {
        try {
            Matcher m = VERSION.matcher(
                    Exec.output(List.of(bin.resolve("postgres").toString(), "--version"), VERSION_TIMEOUT));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (RuntimeException e) {
            LOG.debug("Could not ask {} for its version", bin.resolve("postgres"), e);
            return -1;
        }
    }

    /** The version in a Debian path ({@code /usr/lib/postgresql/16/bin}), else 0. */
    private static Integer versionOf(Path bin) {
        Path parent = bin.getParent();
        if (parent == null
                || parent.getParent() == null
                || !parent.getParent().equals(Path.of("/usr/lib/postgresql"))) {
            return 0;
        }
        String name = parent.getFileName() == null ? "" : parent.getFileName().toString();
        try {
            return Integer.parseInt(name.replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean hasPostgresTools(Path dir) {
        for (String tool : POSTGRES_TOOLS) {
            if (!Files.isExecutable(dir.resolve(tool))) {
                return false;
            }
        }
        return true;
    }

    static Optional<Path> redisServer(@Nullable Path configured) {
        if (configured != null) {
            return Files.isExecutable(configured) ? Optional.of(configured) : Optional.empty();
        }
        Optional<Path> found = onPath("redis-server");
        if (found.isPresent()) {
            return found;
        }
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
