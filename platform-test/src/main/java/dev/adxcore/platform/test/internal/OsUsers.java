package dev.adxcore.platform.test.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/** Facts about the OS user running this JVM. */
final class OsUsers {
  private OsUsers() {
  }

  static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer && (Integer) uid == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Makes {@code path} owned by the {@code postgres} user, which must exist. */
  static void chownToPostgres(Path path) throws IOException {
    UserPrincipal postgres = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Files.setOwner(path, postgres);
  }

  static boolean postgresUserExists() {
    try {
      Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
