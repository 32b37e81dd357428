package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adxcore.platform.core.PlatformHeaders;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.Subscription;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The running service over HTTP, with the identity headers the gateway sets, against the kit's PostgreSQL
 * primary and replica, the in-memory bus and the embedded Temporal server: readiness, the API's answers and
 * error bodies, tenant isolation through the API, the writes' events published by the service's outbox relay.
 */
@PlatformTest(replicas = 1)
class ${Entity}ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EventBus bus;
    private static TemporalConnection temporal;
    private static ${Entity}Service service;

    @BeforeAll
    static void start(PostgresCluster pg) throws Exception {
        bus = EventBuses.open("memory:");
        temporal = TemporalConnection.open(TemporalConfig.builder().taskQueue("${artifactId}-test").embeddedPort(0).build());
        service = ${Entity}Service.builder().databaseConfig(TestDatabase.migrated(pg)).eventBus(bus).temporal(temporal)
                .port(0).managementPort(0).start();
    }

    @AfterAll
    static void stop() {
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

    @Test
    void isReadyAndServesMetrics() throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(service.managementUri().resolve("/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(service.managementUri().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
    }

    @Test
    void createsReadsUpdatesAndDeletesForItsTenantOnly() throws Exception {
        String tenant = UUID.randomUUID().toString();
        HttpResponse<String> created = call(tenant, "POST", "/api/v1/${entities}", "{\"name\":\"first\"}", null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(created.body());
        String id = body.path("id").asText();
        String token = created.headers().firstValue(PlatformHeaders.CAUSAL_TOKEN).orElseThrow();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/${entities}/" + id);

        assertThat(call(tenant, "GET", "/api/v1/${entities}/" + id, null, token).statusCode()).isEqualTo(200);
        assertThat(call(UUID.randomUUID().toString(), "GET", "/api/v1/${entities}/" + id, null, null).statusCode())
                .isEqualTo(404);

        HttpResponse<String> stale = call(tenant, "PUT", "/api/v1/${entities}/" + id,
                "{\"name\":\"second\",\"version\":7}", token);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(stale.body()).path("error").asText()).isEqualTo("version_conflict");

        HttpResponse<String> list = call(tenant, "GET", "/api/v1/${entities}?limit=10", null, token);
        assertThat(JSON.readTree(list.body()).path("items")).hasSize(1);

        assertThat(call(UUID.randomUUID().toString(), "DELETE", "/api/v1/${entities}/" + id, null, null).statusCode())
                .isEqualTo(404);
        assertThat(call(tenant, "DELETE", "/api/v1/${entities}/" + id, null, token).statusCode()).isEqualTo(204);
    }

    @Test
    void theServicesRelayPublishesTheEventsOfItsWrites() throws Exception {
        String tenant = UUID.randomUUID().toString();
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        try (Subscription ignored = bus.subscribe(EventSubscription.builder("service-test", event -> {
            if (event.tenantId().map(UUID::toString).filter(tenant::equals).isPresent()) {
                received.add(event);
            }
        }).types("${entity}.created", "${entity}.deleted").build())) {
            HttpResponse<String> created = call(tenant, "POST", "/api/v1/${entities}", "{\"name\":\"published\"}", null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).path("id").asText();
            assertThat(call(tenant, "DELETE", "/api/v1/${entities}/" + id, null, null).statusCode()).isEqualTo(204);

            // In order per ${entity}: the relay publishes the outbox rows of one aggregate in commit order.
            Event first = received.poll(30, TimeUnit.SECONDS);
            Event second = received.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("${entity}.created through the relay").isNotNull();
            assertThat(second).as("${entity}.deleted through the relay").isNotNull();
            assertThat(first.type()).isEqualTo("${entity}.created");
            assertThat(second.type()).isEqualTo("${entity}.deleted");
            assertThat(first.aggregateId()).contains(id);
            assertThat(second.aggregateId()).contains(id);
        }
    }

    @Test
    void answersValidationAndIdentityErrorsWithTheirBodies() throws Exception {
        HttpResponse<String> invalid = call(UUID.randomUUID().toString(), "POST", "/api/v1/${entities}",
                "{\"name\":\"\",\"colour\":1}", null);
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(invalid.body());
        assertThat(error.path("error").asText()).isEqualTo("validation_failed");
        assertThat(error.path("fields").path("name").asText()).startsWith("must be 1 to 100 characters");
        assertThat(error.path("fields").has("colour")).isTrue();

        HttpResponse<String> malformed = call(UUID.randomUUID().toString(), "POST", "/api/v1/${entities}", "{", null);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).path("error").asText()).isEqualTo("invalid_json");

        HttpResponse<String> anonymous = call(null, "GET", "/api/v1/${entities}", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).path("error").asText()).isEqualTo("missing_identity");
    }

    private static HttpResponse<String> call(String tenant, String method, String path, String body, String causalToken)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (tenant != null) {
            request.header(PlatformHeaders.TENANT_ID, tenant).header(PlatformHeaders.USER_ID, "tester")
                    .header(PlatformHeaders.ROLES, "admin");
        }
        if (causalToken != null) {
            request.header(PlatformHeaders.CAUSAL_TOKEN, causalToken);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
