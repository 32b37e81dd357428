import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a local staging directory (Maven repository layout, as the release build's central-publishing plugin
 * stages it) against what Maven Central requires of every component, before anything is uploaded:
 *
 * <ul>
 *   <li>exactly the expected artifacts are staged (every published module, the parent POM, the BOM; nothing
 *       else - examples and benchmarks must never reach Central);</li>
 *   <li>each POM, with what it inherits from the staged parent, has name, description, url, licenses (name and
 *       url), developers (name) and scm (connection, developerConnection, url), and a release version;</li>
 *   <li>each jar module has its main, {@code -sources} and {@code -javadoc} jars (non-empty);</li>
 *   <li>every file has an {@code .asc} signature that gpg verifies, and {@code .md5} / {@code .sha1} (plus any
 *       {@code .sha256} / {@code .sha512}) checksums that match.</li>
 * </ul>
 *
 * Usage: {@code java scripts/release/ValidateStaging.java <staging-dir> <groupId> <version> <artifactId>...}
 * (the artifact ids expected besides nothing). Exits 1 listing every problem; prints a summary on success.
 */
public final class ValidateStaging {

    private static final List<String> PROBLEMS = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ValidateStaging <staging-dir> <groupId> <version> <artifactId>...");
            System.exit(2);
        }
        Path staging = Path.of(args[0]);
        String groupId = args[1];
        String version = args[2];
        Set<String> expected = new TreeSet<>(List.of(args).subList(3, args.length));
        Path groupDir = staging.resolve(groupId.replace('.', '/'));
        if (!Files.isDirectory(groupDir)) {
            fail("nothing staged under " + groupDir);
            finish(0);
        }
        if (version.endsWith("-SNAPSHOT")) {
            fail("version " + version + " is a SNAPSHOT: Central accepts release versions only");
        }
        Set<String> staged = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(groupDir)) {
            dirs.filter(Files::isDirectory).forEach(d -> staged.add(d.getFileName().toString()));
        }
        for (String a : staged) {
            if (!expected.contains(a)) {
                fail(a + " is staged but is not a published module (it must never reach Central)");
            }
        }
        for (String a : expected) {
            if (!staged.contains(a)) {
                fail(a + " is a published module but was not staged");
            }
        }
        Map<String, Document> poms = new LinkedHashMap<>();
        for (String a : staged) {
            Path pom = groupDir.resolve(a).resolve(version).resolve(a + "-" + version + ".pom");
            if (!Files.exists(pom)) {
                fail(a + ": no POM " + pom.getFileName() + " for version " + version);
                continue;
            }
            poms.put(a, parse(pom));
        }
        int files = 0;
        for (Map.Entry<String, Document> e : poms.entrySet()) {
            String a = e.getKey();
            Element project = e.getValue().getDocumentElement();
            checkMetadata(a, project, poms);
            Path dir = groupDir.resolve(a).resolve(version);
            String packaging = text(project, "packaging");
            List<String> required = new ArrayList<>(List.of(a + "-" + version + ".pom"));
            if (packaging == null || packaging.equals("jar")) {
                required.add(a + "-" + version + ".jar");
                required.add(a + "-" + version + "-sources.jar");
                required.add(a + "-" + version + "-javadoc.jar");
            }
            for (String name : required) {
                Path f = dir.resolve(name);
                if (!Files.exists(f)) {
                    fail(a + ": missing " + name);
                } else if (Files.size(f) == 0) {
                    fail(a + ": " + name + " is empty");
                }
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : (Iterable<Path>) list::iterator) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".asc") || n.endsWith(".md5") || n.endsWith(".sha1") || n.endsWith(".sha256")
                            || n.endsWith(".sha512") || n.startsWith("maven-metadata")) {
                        continue;
                    }
                    files++;
                    checkSignature(a, f);
                    checksum(a, f, "md5", "MD5", true);
                    checksum(a, f, "sha1", "SHA-1", true);
                    checksum(a, f, "sha256", "SHA-256", false);
                    checksum(a, f, "sha512", "SHA-512", false);
                }
            }
        }
        finish(files);
    }

    private static void checkMetadata(String a, Element project, Map<String, Document> poms) {
        String[] required = {"name", "description", "url"};
        for (String field : required) {
            String v = inherited(project, poms, field);
            if (v == null || v.isBlank()) {
                fail(a + ": POM has no <" + field + ">");
            }
        }
        Element licenses = inheritedElement(project, poms, "licenses");
        if (licenses == null || child(licenses, "license") == null) {
            fail(a + ": POM has no <licenses><license>");
        } else {
            for (Element l : children(licenses, "license")) {
                if (blank(text(l, "name")) || blank(text(l, "url"))) {
                    fail(a + ": a <license> lacks <name> or <url>");
                }
            }
        }
        Element developers = inheritedElement(project, poms, "developers");
        if (developers == null || child(developers, "developer") == null) {
            fail(a + ": POM has no <developers><developer>");
        } else {
            for (Element d : children(developers, "developer")) {
                if (blank(text(d, "name"))) {
                    fail(a + ": a <developer> lacks <name>");
                }
            }
        }
        Element scm = inheritedElement(project, poms, "scm");
        if (scm == null) {
            fail(a + ": POM has no <scm>");
        } else {
            for (String f : new String[] {"connection", "developerConnection", "url"}) {
                if (blank(text(scm, f))) {
                    fail(a + ": <scm> lacks <" + f + ">");
                }
            }
        }
    }

    private static void checkSignature(String a, Path f) throws Exception {
        Path asc = f.resolveSibling(f.getFileName() + ".asc");
        if (!Files.exists(asc)) {
            fail(a + ": " + f.getFileName() + " has no .asc signature");
            return;
        }
        Process p = new ProcessBuilder("gpg", "--batch", "--verify", asc.toString(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            fail(a + ": the signature of " + f.getFileName() + " does not verify: " + out.strip());
        }
    }

    private static void checksum(String a, Path f, String ext, String algorithm, boolean required) throws Exception {
        Path sum = f.resolveSibling(f.getFileName() + "." + ext);
        if (!Files.exists(sum)) {
            if (required) {
                fail(a + ": " + f.getFileName() + " has no ." + ext + " checksum");
            }
            return;
        }
        String want = Files.readString(sum).trim().split("\\s+")[0].toLowerCase();
        MessageDigest md = MessageDigest.getInstance(algorithm);
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equals(want)) {
            fail(a + ": ." + ext + " of " + f.getFileName() + " does not match (" + want + " vs " + got + ")");
        }
    }

    /** A field of the POM, else of its staged parent chain. */
    private static String inherited(Element project, Map<String, Document> poms, String field) {
        for (Element p = project; p != null; p = parentOf(p, poms)) {
            String v = text(p, field);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static Element inheritedElement(Element project, Map<String, Document> poms, String field) {
        for (Element p = project; p != null; p = parentOf(p, poms)) {
            Element v = child(p, field);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static Element parentOf(Element project, Map<String, Document> poms) {
        Element parent = child(project, "parent");
        if (parent == null) {
            return null;
        }
        Document d = poms.get(text(parent, "artifactId"));
        if (d == null) {
            fail(text(project, "artifactId") + ": its parent " + text(parent, "artifactId") + " is not staged");
            return null;
        }
        return d.getDocumentElement();
    }

    private static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    private static void fail(String problem) {
        PROBLEMS.add(problem);
    }

    private static void finish(int files) throws IOException {
        if (!PROBLEMS.isEmpty()) {
            System.err.println("Release rehearsal: " + PROBLEMS.size() + " problem(s) against Maven Central's requirements:");
            PROBLEMS.forEach(p -> System.err.println("  - " + p));
            System.exit(1);
        }
        System.out.println("Release rehearsal: " + files + " files checked; POM metadata, sources and javadoc jars, "
                + "signatures and checksums meet Maven Central's requirements.");
    }
}
