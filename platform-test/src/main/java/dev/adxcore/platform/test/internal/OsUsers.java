package dev.adxcore.platform.test.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.jspecify.annotations.Nullable;

/** Facts about the OS user running this JVM. */
final class OsUsers {
    private OsUsers() {}

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
        chown(path, "postgres");
    }

    /** Makes {@code path} owned by {@code user}, which must exist. */
    static void chown(Path path, String user) throws IOException {
        UserPrincipal principal =
                path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        Files.setOwner(path, principal);
    }

    static boolean postgresUserExists() {
        return exists("postgres");
    }

    static boolean exists(String user) {
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The OS user that runs private PostgreSQL servers: {@code null} (this JVM's own user) unless this JVM is
     * root, which {@code initdb} refuses; then {@code configured}, else {@code postgres}, else {@code nobody}.
     *
     * @throws dev.adxcore.platform.test.TestServersUnavailableException when the JVM is root and no such user exists
     */
    static @Nullable String postgresServerUser(@Nullable String configured) {
        if (!isRoot()) {
            return null;
        }
        if (configured != null) {
            if (!exists(configured)) {
                throw new dev.adxcore.platform.test.TestServersUnavailableException(
                        dev.adxcore.platform.test.TestServerSettings.POSTGRES_OS_USER + "=" + configured
                                + " names no OS user"
                                + " of this machine: create it, or unset the setting to use postgres (else nobody)",
                        null);
            }
            return configured;
        }
        for (String candidate : new String[] {"postgres", "nobody"}) {
            if (exists(candidate)) {
                return candidate;
            }
        }
        throw new dev.adxcore.platform.test.TestServersUnavailableException(
                "this JVM runs as root and initdb refuses"
                        + " to run as root, but there is neither a 'postgres' nor a 'nobody' OS user to run it as: create one"
                        + " (useradd --system postgres), set "
                        + dev.adxcore.platform.test.TestServerSettings.POSTGRES_OS_USER
                        + " to another user, or run the tests as another user",
                null);
    }
}
