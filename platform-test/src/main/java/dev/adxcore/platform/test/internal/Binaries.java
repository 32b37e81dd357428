package dev.adxcore.platform.test.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Finds installed PostgreSQL and Redis server binaries. */
final class Binaries {
  static final List<String> POSTGRES_TOOLS = List.of("initdb", "pg_ctl", "pg_basebackup", "postgres");

  private Binaries() {
  }

  /** Where {@link #postgresBinDir} looks, for messages. */
  static String postgresSearchDescription(@Nullable Path configured) {
    if (configured != null) {
      return "PLATFORM_TEST_POSTGRES_BIN=" + configured;
    }
    return "PATH, /usr/lib/postgresql/<version>/bin and /usr/local/pgsql/bin";
  }

  /** The first folder holding all of initdb, pg_ctl, pg_basebackup and postgres. */
  static Optional<Path> postgresBinDir(@Nullable Path configured) {
    if (configured != null) {
      return hasPostgresTools(configured) ? Optional.of(configured) : Optional.empty();
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
    for (Path candidate : candidates) {
      if (hasPostgresTools(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Integer versionOf(Path bin) {
    Path parent = bin.getParent();
    String name = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
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
