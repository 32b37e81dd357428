package dev.adxcore.platform.examples.springtenantservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.examples.demo.DemoTenant;
import dev.adxcore.platform.examples.demo.Tour;
import dev.adxcore.platform.examples.gateway.ApiGateway;
import dev.adxcore.platform.examples.gateway.DevTokens;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring service as a client of the gateway sees it: the same contract as examples/tenant-service, against the
 * test kit's real PostgreSQL primary with a streaming replica (the application role is not superuser, so
 * row-level security applies), with everything platform-side auto-configured by the starter: events recorded in
 * the write's unit, published by the outbox relay on Redis and projected once through the inbox.
 */
@PlatformTest(replicas = 1)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.port=0", "management.server.port=0"})
class SpringUsersThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "tenant_app";
    private static final String PASSWORD = "tenant-app-test-password";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PostgresCluster pg;
    private static RedisServer redis;
    private static @Nullable ApiGateway gateway;
    private static String acme;
    private static String globex;

    @LocalServerPort
    int port;

    @Autowired
    EventBus bus;

    @LocalManagementPort
    int managementPort;

    @BeforeAll
    static void servers(PostgresCluster cluster, RedisServer redisServer) throws Exception {
        pg = cluster;
        redis = redisServer;
        try (Connection admin = pg.openPrimary();
                Statement st = admin.createStatement()) {
            // The application role and the outbox relay role (a DBA's once-per-cluster step), same password.
            for (String role : List.of(ROLE, ROLE + "_relay")) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                        + "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$");
                st.execute("ALTER ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "'");
            }
            st.execute("GRANT USAGE ON SCHEMA public TO " + ROLE + ", " + ROLE + "_relay");
        }
        acme = DevTokens.mintDev("alice", UUID.randomUUID().toString(), List.of("admin"), Duration.ofHours(1));
        globex = DevTokens.mintDev("bob", UUID.randomUUID().toString(), List.of("member"), Duration.ofHours(1));
    }

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry p) {
        p.add("platform.database.primary-url", () -> withoutCredentials(pg.primaryJdbcUrl()));
        p.add(
                "platform.database.replica-urls",
                () -> withoutCredentials(pg.replicaJdbcUrls().get(0)));
        p.add("platform.database.username", () -> ROLE);
        p.add("platform.database.password", () -> PASSWORD);
        p.add("platform.events.url", () -> redis.uri() + "?streamKeyPrefix=" + redis.key("events"));
        p.add("platform.temporal.embedded-port", () -> "0");
        p.add("tenant-service.migration.username", () -> pg.username());
        p.add("tenant-service.migration.password", () -> pg.password());
    }

    @BeforeEach
    void gateway() {
        if (gateway == null) {
            gateway = ApiGateway.start(GatewayConfig.builder()
                    .bindAddress("127.0.0.1")
                    .port(0)
                    .route("users", "http://127.0.0.1:" + port, Duration.ofSeconds(30))
                    .jwtSecret(DevTokens.DEV_SECRET)
                    .jwtIssuer(DevTokens.DEV_ISSUER)
                    .jwtAudience(DevTokens.DEV_AUDIENCE)
                    .build());
        }
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    @Test
    void createdUserIsReturnedWithItsIdAndReadBackByItsTenant() throws Exception {
        Reply created = create(acme, "ada-" + UUID.randomUUID() + "@acme.example", "Ada");
        assertThat(created.status).isEqualTo(201);
        String id = created.json.path("id").asText();
        assertThat(created.response.headers().firstValue("Location")).hasValue("/api/v1/users/" + id);
        assertThat(created.json.path("version").asLong()).isZero();

        Reply read = call(acme, "GET", "/api/v1/users/" + id, null, created.causalToken());

        assertThat(read.status).isEqualTo(200);
        assertThat(read.json.path("displayName").asText()).isEqualTo("Ada");
        assertThat(read.json.path("status").asText()).isEqualTo("pending");
    }

    @Test
    void anotherTenantGets404ForTheUserAndCannotChangeOrDeleteIt() throws Exception {
        Reply created = create(acme, "grace-" + UUID.randomUUID() + "@acme.example", "Grace");
        String id = created.json.path("id").asText();

        assertThat(call(globex, "GET", "/api/v1/users/" + id, null, null).status)
                .isEqualTo(404);
        assertThat(call(globex, "PUT", "/api/v1/users/" + id, "{\"displayName\":\"Mallory\",\"version\":0}", null)
                        .status)
                .isEqualTo(404);
        assertThat(call(globex, "DELETE", "/api/v1/users/" + id, null, null).status)
                .isEqualTo(404);

        Reply still = call(acme, "GET", "/api/v1/users/" + id, null, created.causalToken());
        assertThat(still.status).isEqualTo(200);
        assertThat(still.json.path("displayName").asText()).isEqualTo("Grace");
    }

    @Test
    void invalidFieldsAnswer400WithAMessagePerField() throws Exception {
        Reply reply = call(
                acme, "POST", "/api/v1/users", "{\"email\":\"not-an-address\",\"displayName\":\"\",\"x\":1}", null);

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.json.path("error").asText()).isEqualTo("validation_failed");
        assertThat(reply.json.path("fields").path("email").asText()).contains("e-mail address");
        assertThat(reply.json.path("fields").path("displayName").asText()).contains("1 to 100");
        assertThat(reply.json.path("fields").path("x").asText()).contains("not a known field");
    }

    @Test
    void malformedJsonAnswers400() throws Exception {
        Reply reply = call(acme, "POST", "/api/v1/users", "{\"email\":", null);

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.json.path("error").asText()).isEqualTo("invalid_json");
    }

    @Test
    void duplicateEmailIs409InTheTenantButFreeInAnother() throws Exception {
        String email = "dup-" + UUID.randomUUID() + "@acme.example";
        assertThat(create(acme, email, "One").status).isEqualTo(201);

        Reply again = create(acme, email.toUpperCase(java.util.Locale.ROOT), "Two");
        assertThat(again.status).isEqualTo(409);
        assertThat(again.json.path("error").asText()).isEqualTo("email_taken");
        assertThat(create(globex, email, "Elsewhere").status).isEqualTo(201);
    }

    @Test
    void staleVersionIs409AndCurrentVersionUpdates() throws Exception {
        // A member's user: its onboarding is denied, so no activation changes the version meanwhile.
        String id = create(globex, "v-" + UUID.randomUUID() + "@globex.example", "V")
                .json
                .path("id")
                .asText();

        Reply updated = call(globex, "PUT", "/api/v1/users/" + id, "{\"displayName\":\"V2\",\"version\":0}", null);
        assertThat(updated.status).isEqualTo(200);
        assertThat(updated.json.path("version").asLong()).isEqualTo(1);

        Reply stale = call(globex, "PUT", "/api/v1/users/" + id, "{\"displayName\":\"V3\",\"version\":0}", null);
        assertThat(stale.status).isEqualTo(409);
        assertThat(stale.json.path("error").asText()).isEqualTo("version_conflict");
    }

    @Test
    void keysetPagingSeesEveryUserOnce() throws Exception {
        String tenantToken =
                DevTokens.mintDev("carol", UUID.randomUUID().toString(), List.of("admin"), Duration.ofHours(1));
        String lastToken = null;
        for (int i = 0; i < 7; i++) {
            lastToken =
                    create(tenantToken, "p" + i + "@paging.example", "P" + i).causalToken();
        }
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            Reply page = call(
                    tenantToken,
                    "GET",
                    "/api/v1/users?limit=3" + (after == null ? "" : "&after=" + after),
                    null,
                    lastToken);
            assertThat(page.status).isEqualTo(200);
            assertThat(page.json.path("total").asLong()).isEqualTo(7);
            page.json
                    .path("items")
                    .forEach(u -> assertThat(seen.add(u.path("id").asText())).isTrue());
            after = page.json.path("next").isNull()
                    ? null
                    : page.json.path("next").asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(seen).hasSize(7);
        assertThat(call(tenantToken, "GET", "/api/v1/users?limit=0", null, null).status)
                .isEqualTo(400);
    }

    @Test
    void createdUserIsPublishedOnTheRedisBusWithTheRequestsTenantActorAndCorrelation() throws Exception {
        LinkedBlockingQueue<Event> received = new LinkedBlockingQueue<>();
        String subscription = "spring-test-" + UUID.randomUUID();
        bus.subscribe(EventSubscription.builder(subscription, received::add)
                .types("user.created")
                .build());
        try {
            String email = "ev-" + UUID.randomUUID() + "@acme.example";
            Reply created = create(acme, email, "Evie");
            String correlation =
                    created.response.headers().firstValue("X-Correlation-Id").orElseThrow();

            Event event;
            do {
                event = received.poll(10, TimeUnit.SECONDS);
                assertThat(event).as("user.created on the Redis bus").isNotNull();
            } while (!event.data().contains(email));
            assertThat(event.tenantId()).isPresent();
            assertThat(event.userId()).hasValue("alice");
            assertThat(event.correlationId()).isEqualTo(correlation);
            assertThat(bus.getClass().getName()).containsIgnoringCase("redis");
        } finally {
            bus.unsubscribe(subscription);
        }
    }

    @Test
    void everyWriteOfAUserIsProjectedIntoItsActivityThroughTheOutboxAndTheInbox() throws Exception {
        // A member's user: its onboarding is denied, so the user's own writes are all it has.
        Reply created = create(globex, "act-" + UUID.randomUUID() + "@globex.example", "Act");
        String id = created.json.path("id").asText();
        String correlation =
                created.response.headers().firstValue("X-Correlation-Id").orElseThrow();
        Reply updated = call(globex, "PUT", "/api/v1/users/" + id, "{\"displayName\":\"Act 2\",\"version\":0}", null);
        assertThat(updated.status).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(types(
                                call(globex, "GET", "/api/v1/users/" + id + "/activity", null, updated.causalToken())))
                        .contains("user.created", "user.updated"));
        Reply activity = call(globex, "GET", "/api/v1/users/" + id + "/activity", null, updated.causalToken());
        List<String> types = types(activity);
        assertThat(types.indexOf("user.created")).isLessThan(types.indexOf("user.updated"));
        assertThat(types.stream().filter("user.created"::equals))
                .as("projected once")
                .hasSize(1);
        JsonNode first = activity.json.path("items").get(0);
        // The plain tenant-service's shape: {"items":[{"type","eventId","correlationId","actor","occurredAt"}]}.
        assertThat(fieldNames(activity.json)).containsExactly("items");
        assertThat(fieldNames(first)).containsExactly("type", "eventId", "correlationId", "actor", "occurredAt");
        assertThat(first.path("type").asText()).isEqualTo("user.created");
        assertThat(first.path("correlationId").asText()).isEqualTo(correlation);
        assertThat(first.path("actor").asText()).isEqualTo("bob");
        assertThat(java.time.OffsetDateTime.parse(first.path("occurredAt").asText()))
                .isNotNull();

        assertThat(call(acme, "GET", "/api/v1/users/" + id + "/activity", null, null).status)
                .isEqualTo(404);
    }

    @Test
    void aWriteThatRollsBackRecordsNoEvent() throws Exception {
        String email = "dup-ev-" + UUID.randomUUID() + "@globex.example";
        assertThat(create(globex, email, "First").status).isEqualTo(201);
        assertThat(create(globex, email, "Second").status).isEqualTo(409);

        try (Connection admin = pg.openPrimary();
                Statement st = admin.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM platform_outbox WHERE "
                        + "convert_from(payload, 'UTF8') LIKE '%" + email + "%'")) {
            rs.next();
            assertThat(rs.getLong(1))
                    .as("outbox rows naming the e-mail: only the committed create's")
                    .isEqualTo(1);
        }
    }

    @Test
    void adminsUserIsOnboardedAndItsEventsAreProjected() throws Exception {
        Reply created = create(acme, "onboard-" + UUID.randomUUID() + "@acme.example", "Onboarded");
        String id = created.json.path("id").asText();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(types(
                                call(acme, "GET", "/api/v1/users/" + id + "/activity", null, created.causalToken())))
                        .contains("user.created", "user.updated", "user.onboard.completed"));
        Reply onboarding = call(acme, "GET", "/api/v1/users/" + id + "/onboarding", null, null);
        assertThat(onboarding.json.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(onboarding.json.path("result").path("status").asText()).isEqualTo("active");
        assertThat(call(acme, "GET", "/api/v1/users/" + id, null, null)
                        .json
                        .path("status")
                        .asText())
                .isEqualTo("active");
    }

    @Test
    void memberWithoutAnAdminRoleIsDeniedOnboarding() throws Exception {
        String id = create(globex, "member-" + UUID.randomUUID() + "@globex.example", "Member")
                .json
                .path("id")
                .asText();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(call(globex, "GET", "/api/v1/users/" + id + "/onboarding", null, null)
                                .json
                                .path("status")
                                .asText())
                        .isEqualTo("FAILED"));
        Reply onboarding = call(globex, "GET", "/api/v1/users/" + id + "/onboarding", null, null);
        assertThat(onboarding.json.path("failureType").asText()).isEqualTo("PermissionDenied");
        assertThat(call(globex, "GET", "/api/v1/users/" + id, null, null)
                        .json
                        .path("status")
                        .asText())
                .isEqualTo("pending");
    }

    /** The demo's own end-to-end tour (examples/demo), unchanged, against this service behind the gateway. */
    @Test
    void theDemosTourPassesAgainstTheSpringService() {
        ByteArrayOutputStream narration = new ByteArrayOutputStream();
        Tour.Result result;
        try (PrintStream out = new PrintStream(narration, true, StandardCharsets.UTF_8)) {
            result = new Tour(gateway.uri(), DemoTenant.acme(), DemoTenant.globex(), out).run();
        }

        assertThat(result.firstActivity()).contains("user.created", "user.updated", "user.onboard.completed");
        assertThat(narration.toString(StandardCharsets.UTF_8)).contains("Tour passed.");
    }

    @Test
    void deletedUserIsGone() throws Exception {
        Reply created = create(acme, "del-" + UUID.randomUUID() + "@acme.example", "Del");
        String id = created.json.path("id").asText();

        Reply deleted = call(acme, "DELETE", "/api/v1/users/" + id, null, null);

        assertThat(deleted.status).isEqualTo(204);
        assertThat(call(acme, "GET", "/api/v1/users/" + id, null, deleted.causalToken()).status)
                .isEqualTo(404);
    }

    @Test
    void requestWithoutIdentityThatBypassedTheGatewayIs401() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/users"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("missing_identity");
        assertThat(r.headers().firstValue("X-Correlation-Id")).isPresent();
    }

    @Test
    void readinessIsUpWithTheDatabaseChecksAndMetricsAreByRouteTemplate() throws Exception {
        create(acme, "m-" + UUID.randomUUID() + "@acme.example", "M");
        HttpResponse<String> ready = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode components = JSON.readTree(ready.body()).path("components");
        assertThat(components.has("readinessState")).isTrue();
        JsonNode platform = components.path("platformReadiness").path("details");
        assertThat(platform.path("users.primary").path("status").asText()).isEqualTo("UP");
        assertThat(platform.path("users-replica-1").path("status").asText()).isEqualTo("UP");
        assertThat(platform.path("outbox.spring-tenant-service").path("status").asText())
                .isEqualTo("UP");

        HttpResponse<String> live = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/liveness"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);

        HttpResponse<String> metrics = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("uri=\"/api/v1/users\"")
                .doesNotContain("uri=\"/api/v1/users/" + UUID.randomUUID())
                .contains("platform_db_replica_available");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private Reply create(String token, String email, String name) throws Exception {
        return call(
                token, "POST", "/api/v1/users", "{\"email\":\"" + email + "\",\"displayName\":\"" + name + "\"}", null);
    }

    private Reply call(String token, String method, String path, @Nullable String body, @Nullable String causalToken)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(gateway.uri().toString().replaceAll("/$", "") + path))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (causalToken != null) {
            b.header("X-Causal-Token", causalToken);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), json, r.body(), r);
    }

    record Reply(int status, JsonNode json, String body, HttpResponse<String> response) {
        @Nullable
        String causalToken() {
            return response.headers().firstValue("X-Causal-Token").orElse(null);
        }
    }

    private static List<String> types(Reply activity) {
        List<String> types = new ArrayList<>();
        activity.json.path("items").forEach(i -> types.add(i.path("type").asText()));
        return types;
    }

    /** The field names of a JSON object, in order. */
    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder(url.substring(0, q));
        String sep = "?";
        for (String part : url.substring(q + 1).split("&")) {
            if (!part.startsWith("user=") && !part.startsWith("password=")) {
                kept.append(sep).append(part);
                sep = "&";
            }
        }
        return kept.toString();
    }
}
