package dev.adxcore.platform.examples.tenantservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.examples.gateway.ApiGateway;
import dev.adxcore.platform.examples.gateway.DevTokens;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With an OTel SDK installed, the service's inbound HTTP is a SERVER span parented on the incoming
 * {@code traceparent}: behind the gateway, one request is one trace from the gateway's spans through the service's
 * span to the onboarding workflow it starts.
 */
@PlatformTest
class TenantServiceTracingTest {

    private static final String ROLE = "tenant_app";
    private static final String PASSWORD = "tenant-app-test-password";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private static EventBus bus;
    private static TemporalConnection temporal;
    private static TenantService service;
    private static ApiGateway gateway;

    @BeforeAll
    static void start(PostgresCluster pg) throws Exception {
        try (Connection admin = pg.openPrimary()) {
            TenantSchema.createApplicationRole(admin, ROLE, PASSWORD);
        }
        String url = UsersThroughGatewayTest.withoutCredentials(pg.primaryJdbcUrl());
        TenantSchema.migrate(url, pg.username(), pg.password(), ROLE);
        bus = EventBuses.open("memory:");
        temporal = TemporalConnection.open(TemporalConfig.builder()
                .taskQueue("tenant-service-tracing")
                .embeddedPort(0)
                .build());
        service = TenantService.builder()
                .databaseConfig(DatabaseConfig.builder()
                        .name("users")
                        .primaryUrl(url)
                        .username(ROLE)
                        .password(PASSWORD)
                        .build())
                .eventBus(bus)
                .temporal(temporal)
                .port(0)
                .managementPort(0)
                .welcomeNotifier((tenant, user, email, name) -> {})
                .start();
        gateway = ApiGateway.start(GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", service.uri().toString(), Duration.ofSeconds(30))
                .jwtSecret(DevTokens.DEV_SECRET)
                .jwtIssuer(DevTokens.DEV_ISSUER)
                .jwtAudience(DevTokens.DEV_AUDIENCE)
                .build());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (service != null) {
            service.close();
        }
        if (temporal != null) {
            temporal.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @BeforeEach
    void forgetSpans() {
        OTEL.clearSpans();
    }

    private static SpanData named(String name) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> OTEL.getSpans().stream().anyMatch(s -> s.getName().equals(name)));
        return OTEL.getSpans().stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aCreateThroughTheGatewayIsOneTraceFromTheGatewayThroughTheServiceToTheOnboardingWorkflow() throws Exception {
        String token = DevTokens.mintDev("alice", UUID.randomUUID().toString(), List.of("admin"), Duration.ofHours(1));
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(gateway.uri().resolve("/api/v1/users"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .header("traceparent", INCOMING)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"ada-" + UUID.randomUUID() + "@acme.example\",\"displayName\":\"Ada\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        SpanData activity = named("RunActivity:Activate");
        SpanData gatewayServer = named("POST /api/v1/users/**");
        SpanData gatewayClient = OTEL.getSpans().stream()
                .filter(s ->
                        s.getKind() == SpanKind.CLIENT && s.getParentSpanId().equals(gatewayServer.getSpanId()))
                .findFirst()
                .orElseThrow();
        SpanData serviceServer = named("POST /api/v1/users");
        SpanData start = named("StartWorkflow:OnboardingWorkflow");
        SpanData run = named("RunWorkflow:OnboardingWorkflow");

        assertThat(List.of(gatewayServer, gatewayClient, serviceServer, start, run, activity))
                .extracting(SpanData::getTraceId)
                .containsOnly("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(gatewayServer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(serviceServer.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(serviceServer.getParentSpanId()).isEqualTo(gatewayClient.getSpanId());
        assertThat(serviceServer.getAttributes().asMap().toString())
                .contains("http.route=/api/v1/users")
                .contains("http.response.status_code=201");
        assertThat(start.getParentSpanId()).isEqualTo(serviceServer.getSpanId());
        assertThat(run.getParentSpanId()).isEqualTo(start.getSpanId());
    }

    @Test
    void aMalformedTraceparentStartsANewRootAndTheRequestIsServed() throws Exception {
        UUID missing = UUID.randomUUID();
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(service.uri().resolve("/api/v1/users/" + missing))
                        .timeout(Duration.ofSeconds(30))
                        .header("X-Tenant-Id", UUID.randomUUID().toString())
                        .header("X-User-Id", "alice")
                        .header("traceparent", "00-zz-not-a-trace")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);

        SpanData server = named("GET /api/v1/users/{id}");
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(server.getAttributes().asMap().toString())
                .contains("http.response.status_code=404")
                .doesNotContain(missing.toString());
    }
}
