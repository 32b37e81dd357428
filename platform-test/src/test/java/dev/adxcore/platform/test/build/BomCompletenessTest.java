package dev.adxcore.platform.test.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The build's guard that {@code platform-bom} lists every published module (a module is published when
 * its folder holds a {@code .published} marker, which also switches on sources/javadoc jars and the
 * dependency-convergence rule), at the project's version, and nothing else.
 */
class BomCompletenessTest {

    private static final Path ROOT = reactorRoot();

    @Test
    void bomListsEveryPublishedModuleAndNothingElse() throws Exception {
        Set<String> published = new TreeSet<>();
        for (String module : modules(ROOT)) {
            Path dir = ROOT.resolve(module);
            if (Files.exists(dir.resolve(".published"))) {
                published.add(artifactId(parse(dir.resolve("pom.xml"))));
            }
        }
        Document bom = parse(ROOT.resolve("platform-bom/pom.xml"));
        Set<String> listed = new TreeSet<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            assertThat(text(dep, "groupId")).as("groupId in the BOM").isEqualTo("dev.adxcore");
            assertThat(text(dep, "version"))
                    .as("version of %s in the BOM", text(dep, "artifactId"))
                    .isEqualTo("${project.version}");
            listed.add(text(dep, "artifactId"));
        }
        assertThat(published)
                .as("published modules found in the reactor")
                .isNotEmpty()
                .contains(
                        "platform-observability",
                        "platform-database",
                        "platform-events",
                        "platform-events-redis",
                        "platform-events-kafka",
                        "platform-outbox",
                        "platform-temporal",
                        "platform-test",
                        "platform-test-kafka");
        assertThat(listed).as("artifacts listed in platform-bom/pom.xml").isEqualTo(published);
    }

    @Test
    void bomInheritsTheParentSoConsumersGetTheTestedThirdPartyVersions() throws Exception {
        Element parent = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        Element bom = parse(ROOT.resolve("platform-bom/pom.xml")).getDocumentElement();
        NodeList bomParent = bom.getElementsByTagName("parent");
        assertThat(bomParent.getLength())
                .as("platform-bom has the SDK's parent POM as its parent")
                .isEqualTo(1);
        Element p = (Element) bomParent.item(0);
        assertThat(text(p, "artifactId")).isEqualTo(text(parent, "artifactId"));
        assertThat(text(p, "version")).isEqualTo(text(parent, "version"));
    }

    private static Path reactorRoot() {
        String root = System.getProperty("platform.reactor.root");
        Path dir = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        if (!Files.exists(dir.resolve("platform-bom/pom.xml"))) {
            throw new IllegalStateException("cannot find the reactor root (platform.reactor.root=" + root + ")");
        }
        return dir;
    }

    private static List<String> modules(Path root) throws Exception {
        List<String> modules = new ArrayList<>();
        NodeList list = parse(root.resolve("pom.xml")).getElementsByTagName("module");
        for (int i = 0; i < list.getLength(); i++) {
            modules.add(list.item(i).getTextContent().trim());
        }
        return modules;
    }

    private static String artifactId(Document pom) {
        return text(pom.getDocumentElement(), "artifactId");
    }

    /** The text of a direct child element. */
    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }
}
