package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a streaming hot standby's data folder from a running primary without {@code pg_basebackup} (which
 * zonky's bundles lack), the way PostgreSQL documents "Making a Base Backup Using the Low Level API":
 * <ol>
 *   <li>a physical replication slot, reserved at once, keeps the primary's WAL from here on;</li>
 *   <li>{@code pg_backup_start(label, fast => true)} (PostgreSQL 15+; {@code pg_start_backup} before) checkpoints
 *       and forces full-page writes, so that pages torn by the copy are repaired by WAL replay;</li>
 *   <li>the data folder is copied file by file, without the contents of {@code pg_wal}, {@code pg_replslot},
 *       {@code pg_stat_tmp} and the other folders the documentation lists, and without {@code postmaster.pid};</li>
 *   <li>{@code pg_backup_stop()} in the same session returns the {@code backup_label} (and
 *       {@code tablespace_map}) contents, written into the copy;</li>
 *   <li>{@code standby.signal}, {@code primary_conninfo} and {@code primary_slot_name} make the copy start as a
 *       hot standby that fetches every WAL record since the backup's checkpoint by streaming replication.</li>
 * </ol>
 * Not thread-safe per primary data folder (the cluster that calls it serialises replica creation).
 */
final class LowLevelBackup {
    private static final Logger LOG = LoggerFactory.getLogger(LowLevelBackup.class);
    /** Folders whose contents are not copied (PostgreSQL recreates or replays them). */
    private static final Set<String> SKIP_CONTENTS = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");
    /** Files of the primary's data folder that must not be in a base backup. */
    private static final Set<String> SKIP_FILES = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "backup_label",
            "tablespace_map",
            "backup_manifest",
            "standby.signal",
            "recovery.signal",
            "current_logfiles");

    private LowLevelBackup() {}

    /**
     * Copies the running primary at {@code primaryData} into {@code replicaData} (which must not exist) and
     * configures the copy as a standby streaming from {@code primary} through the slot {@code slot}.
     *
     * @param slot the replication slot and {@code application_name}: {@code [a-z0-9_]+}
     * @param osUser the OS user the servers run as (the copy is given to it), or {@code null} for this JVM's
     */
    static void cloneStandby(
            PgEndpoint primary,
            Path primaryData,
            Path replicaData,
            String slot,
            @Nullable String osUser,
            Duration connectTimeout) {
        if (!slot.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("slot must match [a-z0-9_]+ (was '" + slot + "')");
        }
        try (Connection c = primary.connect(primary.database(), connectTimeout);
                Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
                rs.next();
                version = rs.getInt(1);
            }
            s.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
            String labelFile;
            String tablespaceMap;
            try {
                long t0 = System.nanoTime();
                s.execute(
                        version >= 150000
                                ? "SELECT pg_backup_start('" + slot + "', true)"
                                : "SELECT pg_start_backup('" + slot + "', true, false)");
                long t1 = System.nanoTime();
                copyDataFolder(primaryData, replicaData);
                long t2 = System.nanoTime();
                LOG.debug(
                        "Base backup for {}: checkpoint {} ms, copy {} ms",
                        slot,
                        (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000);
                try (ResultSet rs = s.executeQuery(
                        version >= 150000
                                ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                                : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                    rs.next();
                    labelFile = rs.getString(1);
                    tablespaceMap = rs.getString(2);
                }
            } catch (SQLException | IOException | RuntimeException e) {
                // a slot nobody consumes would keep the primary's WAL forever (closing the session ends the backup)
                try (Statement drop = c.createStatement()) {
                    drop.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                } catch (SQLException dropFailure) {
                    e.addSuppressed(dropFailure);
                }
                throw e;
            }
            write(replicaData.resolve("backup_label"), labelFile, osUser);
            if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                write(replicaData.resolve("tablespace_map"), tablespaceMap, osUser);
            }
            write(replicaData.resolve("standby.signal"), "", osUser);
            Files.writeString(
                    replicaData.resolve("postgresql.auto.conf"),
                    "\n# written by the ADX Core Platform test kit\n"
                            + "primary_conninfo = 'host=" + primary.host() + " port=" + primary.port() + " user="
                            + primary.user()
                            + " application_name=" + slot + "'\n"
                            + "primary_slot_name = '" + slot + "'\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (SQLException e) {
            throw new TestServersUnavailableException(
                    "could not take a base backup of the primary " + primary.address() + " for " + slot + ": "
                            + e.getMessage() + " (SQLState " + e.getSQLState() + ")",
                    e);
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "could not copy the primary's data folder " + primaryData + " to " + replicaData + " for " + slot
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Copies the data folder, keeping permissions (and, as root, owners); files that vanish meanwhile are skipped. */
    static void copyDataFolder(Path from, Path to) throws IOException {
        boolean root = OsUsers.isRoot();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(dir);
                Path target = to.resolve(relative.toString());
                Files.createDirectory(target);
                copyOwnerAndMode(dir, target, root);
                Path name = relative.getFileName();
                if (relative.getNameCount() == 1 && name != null && SKIP_CONTENTS.contains(name.toString())) {
                    if (name.toString().equals("pg_wal")) {
                        Path archiveStatus = Files.createDirectory(target.resolve("archive_status"));
                        copyOwnerAndMode(dir, archiveStatus, root);
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (name != null && name.toString().startsWith("pgsql_tmp")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(file);
                String name = String.valueOf(relative.getFileName());
                if ((relative.getNameCount() == 1 && SKIP_FILES.contains(name))
                        || name.equals("pg_internal.init")
                        || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                Path target = to.resolve(relative.toString());
                try {
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                    } else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                } catch (NoSuchFileException e) {
                    // dropped while we copied (a test database, a temporary file): WAL replay agrees
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void copyOwnerAndMode(Path source, Path target, boolean root) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(source, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view =
                Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(attrs.permissions());
        if (root) {
            view.setOwner(attrs.owner());
            view.setGroup(attrs.group());
        }
    }

    private static void write(Path file, String content, @Nullable String osUser) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        if (osUser != null) {
            OsUsers.chown(file, osUser);
        }
    }
}
