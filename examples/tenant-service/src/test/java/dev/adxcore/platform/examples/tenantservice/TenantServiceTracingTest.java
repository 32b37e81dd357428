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
 * With an OTel SDK installed (the in-memory exporter), one create behind the gateway is one unbroken trace: the
 * gateway's SERVER and CLIENT spans, the service's SERVER span, its unit of work on the real PostgreSQL, the outbox
 * relay's PRODUCER span and each subscription's CONSUMER span (and the inbox's unit under it), the onboarding
 * workflow on the standard template and each of its activities with their own units and events. A malformed
 * incoming {@code traceparent} starts a new root and the request is served.
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

    /** The one span named so whose parent is {@code parent}, waiting for it (consumers and activities are async). */
    private static SpanData child(SpanData parent, String name) {
        return children(parent, name, 1).get(0);
    }

    private static List<SpanData> children(SpanData parent, String name, int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> childrenNow(parent, name).size() >= count);
        List<SpanData> found = childrenNow(parent, name);
        assertThat(found).as("children %s of %s", name, parent.getName()).hasSize(count);
        return found;
    }

    private static List<SpanData> childrenNow(SpanData parent, String name) {
        return OTEL.getSpans().stream()
                .filter(s -> s.getName().equals(name)
                        && s.getParentSpanId().equals(parent.getSpanId())
                        && s.getTraceId().equals(parent.getTraceId()))
                .toList();
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(key));
    }

    @Test
    void aCreateThroughTheGatewayIsOneTraceThroughTheDatabaseTheBusAndTheOnboardingWorkflowAndItsActivities()
            throws Exception {
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

        // gateway -> tenant service
        SpanData gatewayServer = named("POST /api/v1/users/**");
        assertThat(gatewayServer.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(gatewayServer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        SpanData gatewayClient = child(gatewayServer, "POST");
        assertThat(gatewayClient.getKind()).isEqualTo(SpanKind.CLIENT);
        SpanData serviceServer = child(gatewayClient, "POST /api/v1/users");
        assertThat(serviceServer.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(serviceServer.getAttributes().asMap().toString())
                .contains("http.route=/api/v1/users")
                .contains("http.response.status_code=201");

        // -> database write (the user and its user.created in the outbox, one unit)
        SpanData write = child(serviceServer, "write users");
        assertThat(write.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(attribute(write, "db.system.name")).isEqualTo("postgresql");
        assertThat(attribute(write, "adxcore.db.route")).isEqualTo("primary");

        // -> the relay's publish, parented on the event recorded in the unit -> each subscription's consumer
        SpanData sendCreated = child(write, "send user.created");
        assertThat(sendCreated.getKind()).isEqualTo(SpanKind.PRODUCER);
        List<SpanData> consumers = children(sendCreated, "process user.created", 2);
        assertThat(consumers)
                .extracting(s -> attribute(s, "messaging.consumer.group.name"))
                .containsExactlyInAnyOrder("tenant-service.activity", "tenant-service.welcome");
        SpanData projection = consumers.stream()
                .filter(s -> attribute(s, "messaging.consumer.group.name").equals("tenant-service.activity"))
                .findFirst()
                .orElseThrow();
        child(projection, "write users"); // the inbox records the event in the consumer's own unit

        // -> the onboarding workflow on the standard template, and each of its activities
        SpanData start = child(serviceServer, "StartWorkflow:OnboardingWorkflow");
        SpanData run = child(start, "RunWorkflow:OnboardingWorkflow");
        SpanData permission = child(
                child(run, "StartActivity:AdxPlatform.CheckPermission"), "RunActivity:AdxPlatform.CheckPermission");
        SpanData activate = child(child(run, "StartActivity:Activate"), "RunActivity:Activate");
        SpanData publish =
                child(child(run, "StartActivity:AdxPlatform.PublishEvent"), "RunActivity:AdxPlatform.PublishEvent");
        assertThat(permission.getKind()).isEqualTo(SpanKind.SERVER);
        // the activity reads the user it follows (causal: the request's commit travelled in the workflow's context)
        SpanData activityRead = child(activate, "read users");
        assertThat(attribute(activityRead, "adxcore.db.consistency")).isEqualTo("causal");
        SpanData activityWrite = child(activate, "write users");
        child(child(activityWrite, "send user.updated"), "process user.updated");
        SpanData completed = child(publish, "send user.onboard.completed");
        child(child(completed, "process user.onboard.completed"), "write users");

        // one unbroken trace: every span of it hangs from the gateway's span, nothing starts a root of its own
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<SpanData> trace = OTEL.getSpans().stream()
                .filter(s -> s.getTraceId().equals(gatewayServer.getTraceId()))
                .toList();
        trace.forEach(s -> ids.add(s.getSpanId()));
        assertThat(trace)
                .filteredOn(s -> !ids.contains(s.getParentSpanId()))
                .extracting(SpanData::getName)
                .containsExactly("POST /api/v1/users/**");
        assertThat(trace).hasSizeGreaterThanOrEqualTo(24);
        assertThat(OTEL.getSpans())
                .as("no span of this request left its trace")
                .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(gatewayServer.getTraceId()));
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
