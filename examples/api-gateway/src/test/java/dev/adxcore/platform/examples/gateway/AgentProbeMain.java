package dev.adxcore.platform.examples.gateway;

import dev.adxcore.platform.examples.tracing.OtlpTracing;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Run by {@link GatewayWithAgentTest} in a child JVM with the OTel Java agent attached: one request through a
 * gateway to a test upstream, then prints what the test checks ({@code AGENT=}, {@code STATUS=},
 * {@code UPSTREAM_TRACEPARENT=}) and waits for the agent's exporter to write the spans.
 */
public final class AgentProbeMain {

    private AgentProbeMain() {}

    /**
     * @param args unused
     * @throws Exception on any failure (the child exits non-zero)
     */
    public static void main(String[] args) throws Exception {
        System.out.println("AGENT=" + PlatformTracing.agentAttached());
        // What GatewayMain does first; the child's otel.traces.exporter would ask for an SDK, but the agent owns it.
        System.out.println("SDK_INSTALLED=" + OtlpTracing.installIfConfigured("gateway-probe"));
        try (TestUpstream upstream = new TestUpstream();
                ApiGateway gateway = ApiGateway.start(GatewayConfig.builder()
                        .bindAddress("127.0.0.1")
                        .port(0)
                        .managementPort(0)
                        .route("users", upstream.baseUrl())
                        .jwtSecret(GatewayTestSupport.SECRET)
                        .jwtIssuer(GatewayTestSupport.ISSUER)
                        .jwtAudience(GatewayTestSupport.AUDIENCE)
                        .build())) {
            String token = DevTokens.mint(
                    GatewayTestSupport.SECRET,
                    GatewayTestSupport.ISSUER,
                    GatewayTestSupport.AUDIENCE,
                    "alice",
                    "acme",
                    List.of("reader"),
                    Duration.ofMinutes(5));
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(gateway.uri() + "/api/v1/users/42"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("STATUS=" + response.statusCode());
            System.out.println("UPSTREAM_TRACEPARENT=" + upstream.take().header("traceparent"));
        }
        System.out.flush();
        // Pooled client and server threads would keep the JVM alive; the agent flushes its spans on exit.
        System.exit(0);
    }
}
