package dev.adxcore.platform.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the OTel Java agent attached (from Maven Central, copied to {@code target/agent} by the build), the gateway
 * makes no HTTP span of its own: the agent's Jetty server and client spans are the only ones, so none is made twice,
 * and the upstream continues the agent's client span. Runs {@link AgentProbeMain} in a child JVM whose agent
 * exports with the {@code logging} exporter, and reads the spans from its output.
 */
class GatewayWithAgentTest {

    private static final Path AGENT = Path.of("target", "agent", "opentelemetry-javaagent.jar");
    /** LoggingSpanExporter: {@code 'name' : traceId spanId KIND [tracer: scope:version] attributes}. */
    private static final Pattern SPAN =
            Pattern.compile("'(.*)' : ([0-9a-f]{32}) ([0-9a-f]{16}) (\\w+) \\[tracer: ([^:\\]]+)");

    record ExportedSpan(String name, String traceId, String spanId, String kind, String scope) {}

    @Test
    @Timeout(180)
    void withTheAgentEachHttpSpanIsMadeOnceByTheAgentAndTheUpstreamContinuesIt() throws Exception {
        assertThat(AGENT)
                .as("the build copies the agent there (maven-dependency-plugin)")
                .exists();
        Path out = Files.createTempFile("agent-probe", ".log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-javaagent:" + AGENT.toAbsolutePath(),
                        "-Dotel.service.name=gateway-probe",
                        "-Dotel.traces.exporter=logging",
                        "-Dotel.metrics.exporter=none",
                        "-Dotel.logs.exporter=none",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AgentProbeMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            assertThat(child.waitFor(150, TimeUnit.SECONDS))
                    .as("the probe finishes")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("AGENT=true", "STATUS=200");
        assertThat(output)
                .as("GatewayMain's OTLP bootstrap installs no SDK of its own under the agent, OTEL_* settings or not")
                .contains("SDK_INSTALLED=false");

        List<ExportedSpan> spans = spans(output);
        String upstreamTraceparent = line(output, "UPSTREAM_TRACEPARENT=");
        String traceId = upstreamTraceparent.split("-")[1];
        List<ExportedSpan> trace =
                spans.stream().filter(s -> s.traceId().equals(traceId)).toList();

        // No span of the SDK's scope at all for the HTTP hops: the gateway left them to the agent.
        assertThat(trace).as(output).noneMatch(s -> s.scope().equals("dev.adxcore.platform"));
        assertThat(trace)
                .filteredOn(s -> s.kind().equals("SERVER") && s.scope().contains("jetty"))
                .as("one Jetty server span for the request, named by the gateway for its route")
                .singleElement()
                .extracting(ExportedSpan::name)
                .isEqualTo("GET /api/v1/users/**");
        List<ExportedSpan> upstreamCalls = trace.stream()
                .filter(s -> s.kind().equals("CLIENT") && s.scope().contains("jetty"))
                .toList();
        assertThat(upstreamCalls)
                .as("one Jetty client span for the upstream call")
                .hasSize(1);
        assertThat(upstreamTraceparent.split("-")[2])
                .as("the upstream continues the agent's client span")
                .isEqualTo(upstreamCalls.get(0).spanId());
    }

    private static List<ExportedSpan> spans(String output) {
        List<ExportedSpan> spans = new ArrayList<>();
        Matcher m = SPAN.matcher(output);
        while (m.find()) {
            spans.add(new ExportedSpan(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
        }
        return spans;
    }

    private static String line(String output, String prefix) throws IOException {
        return output.lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + output));
    }
}
