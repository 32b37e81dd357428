package dev.adxcore.platform.test.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks a {@code .tar.xz} archive (ustar, GNU long names and pax paths; files, folders, symbolic and hard
 * links) into a folder, keeping the execute bits. The archive is treated as untrusted: an entry whose path or
 * link target would land outside the folder is refused, and nothing is ever written through a link.
 */
final class TarXz {
    private static final int BLOCK = 512;
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private TarXz() {}

    /**
     * Unpacks {@code archive} (closed by this method) into {@code target}, which must exist and be empty.
     *
     * @throws IOException on a read or write failure, or an entry that is malformed or escapes {@code target}
     */
    static void unpack(InputStream archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (InputStream in = new XZInputStream(new BufferedInputStream(archive, 1 << 16))) {
            untar(in, root);
        }
    }

    static void untar(InputStream in, Path root) throws IOException {
        byte[] header = new byte[BLOCK];
        @Nullable String longName = null;
        @Nullable String longLink = null;
        @Nullable String paxPath = null;
        @Nullable String paxLink = null;
        while (true) {
            if (!readBlock(in, header)) {
                return;
            }
            if (isZero(header)) {
                return;
            }
            checkChecksum(header);
            String name = string(header, 0, 100);
            int mode = (int) octal(header, 100, 8);
            long size = number(header, 124, 12);
            char type = (char) header[156];
            String link = string(header, 157, 100);
            if (string(header, 257, 5).equals("ustar")) {
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            switch (type) {
                case 'L' -> {
                    longName = trimNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    continue;
                }
                case 'K' -> {
                    longLink = trimNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    continue;
                }
                case 'x' -> {
                    String[] pax = pax(readData(in, size));
                    paxPath = pax[0] != null ? pax[0] : paxPath;
                    paxLink = pax[1] != null ? pax[1] : paxLink;
                    continue;
                }
                case 'g' -> {
                    readData(in, size);
                    continue;
                }
                default -> {
                    // an entry: fall through
                }
            }
            if (paxPath != null) {
                name = paxPath;
            } else if (longName != null) {
                name = longName;
            }
            if (paxLink != null) {
                link = paxLink;
            } else if (longLink != null) {
                link = longLink;
            }
            longName = null;
            longLink = null;
            paxPath = null;
            paxLink = null;
            Path path = inside(root, name);
            switch (type) {
                case '0', '\0', '7' -> {
                    createParents(root, path);
                    try (OutputStream out = Files.newOutputStream(
                            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        copy(in, out, size);
                    }
                    skipPadding(in, size);
                    permissions(path, mode);
                }
                case '5' -> {
                    if (!path.equals(root)) {
                        createParents(root, path);
                        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectory(path);
                        }
                    }
                    skip(in, padded(size));
                    permissions(path, 0755); // traversable by the OS user the servers may run as
                }
                case '2' -> {
                    Path parent = path.getParent() != null ? path.getParent() : root;
                    if (link.isEmpty()
                            || Path.of(link).isAbsolute()
                            || !parent.resolve(link).normalize().startsWith(root)) {
                        throw new IOException("refusing the archive entry " + name + ": its link target '" + link
                                + "' lies outside the folder it is unpacked into");
                    }
                    createParents(root, path);
                    Files.createSymbolicLink(path, Path.of(link));
                    skip(in, padded(size));
                }
                case '1' -> {
                    Path source = inside(root, link);
                    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException("refusing the archive entry " + name + ": it links to '" + link
                                + "', which is not a file unpacked before it");
                    }
                    createParents(root, path);
                    Files.copy(source, path, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    skip(in, padded(size));
                }
                default -> skip(in, padded(size)); // devices, FIFOs and the like: not part of a server bundle
            }
        }
    }

    /** {@code root/name}, refusing names that are absolute or climb out of {@code root}. */
    private static Path inside(Path root, String name) throws IOException {
        String relative = name;
        while (relative.startsWith("./")) {
            relative = relative.substring(2);
        }
        if (relative.isEmpty() || relative.equals(".")) {
            return root;
        }
        Path path = root.resolve(relative).normalize();
        if (relative.startsWith("/") || Path.of(relative).isAbsolute() || !path.startsWith(root)) {
            throw new IOException(
                    "refusing the archive entry '" + name + "': it lies outside the folder it is unpacked into");
        }
        return path;
    }

    /** Creates the folders above {@code path}, refusing to go through a link. */
    private static void createParents(Path root, Path path) throws IOException {
        Path parent = path.getParent();
        if (parent == null || parent.equals(root)) {
            return;
        }
        Path current = root;
        for (Path part : root.relativize(parent)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw new IOException("refusing to unpack " + root.relativize(path) + " through the link " + current);
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            }
        }
    }

    private static void permissions(Path path, int mode) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
        }
        // readable (and where executable, runnable) by everyone: the kit may run the servers as another OS user
        perms.add(PosixFilePermission.GROUP_READ);
        perms.add(PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(path, perms);
    }

    private static @Nullable String[] pax(byte[] data) throws IOException {
        @Nullable String path = null;
        @Nullable String link = null;
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            if (space >= data.length) {
                break;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed pax header in the archive", e);
            }
            if (length <= 0 || i + length > data.length) {
                throw new IOException("malformed pax header in the archive (record length " + length + ")");
            }
            String record = new String(data, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                if (key.equals("path")) {
                    path = record.substring(eq + 1);
                } else if (key.equals("linkpath")) {
                    link = record.substring(eq + 1);
                }
            }
            i += length;
        }
        return new String[] {path, link};
    }

    private static void checkChecksum(byte[] header) throws IOException {
        long stored = octal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != stored) {
            throw new IOException("the archive is corrupt: a tar header's checksum is " + stored + ", computed " + sum);
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("the archive ends inside a tar header");
        }
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("the archive has a " + size + "-byte metadata entry; refusing it");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException("the archive ends inside an entry");
        }
        skipPadding(in, size);
        return data;
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("the archive ends inside an entry");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        skip(in, padded(size) - size);
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long count) throws IOException {
        long left = count;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the archive ends inside an entry");
                }
                n = 1;
            }
            left -= n;
        }
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** A size field: octal text, or GNU base-256 when the first byte's high bit is set. */
    private static long number(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = offset + 1; i < offset + length; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        return octal(header, offset, length);
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0 || (b == ' ' && digits)) {
                break;
            }
            if (b == ' ') {
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("the archive is corrupt: a tar header holds '" + (char) b + "' in a number");
            }
            value = value * 8 + (b - '0');
            digits = true;
        }
        return value;
    }
}
