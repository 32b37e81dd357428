package dev.adxcore.platform.examples.tenantservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.RetryPolicy;
import dev.adxcore.platform.examples.gateway.ApiGateway;
import dev.adxcore.platform.examples.gateway.DevTokens;
import dev.adxcore.platform.examples.gateway.GatewayConfig;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The service's behaviour as a client of the gateway sees it, against a real PostgreSQL primary with a
 * streaming replica (test kit), the in-memory bus and the in-process Temporal server.
 */
@PlatformTest(replicas = 1)
class UsersThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "tenant_app";
    private static final String PASSWORD = "tenant-app-test-password";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EventBus bus;
    private static TemporalConnection temporal;
    private static TenantService service;
    private static ApiGateway gateway;
    private static String acme;
    private static UUID acmeTenant;
    /** What the welcome notifier saw bound, by the new user's email. */
    private static final Map<String, PlatformContext> WELCOMED = new ConcurrentHashMap<>();

    private static String globex;

    @BeforeAll
    static void start(PostgresCluster pg) throws Exception {
        try (Connection admin = pg.openPrimary()) {
            TenantSchema.createApplicationRole(admin, ROLE, PASSWORD);
        }
        TenantSchema.migrate(withoutCredentials(pg.primaryJdbcUrl()), pg.username(), pg.password(), ROLE);
        DatabaseConfig db = DatabaseConfig.builder()
                .name("users")
                .primaryUrl(withoutCredentials(pg.primaryJdbcUrl()))
                .replicaUrls(pg.replicaJdbcUrls().stream()
                        .map(UsersThroughGatewayTest::withoutCredentials)
                        .toList())
                .username(ROLE)
                .password(PASSWORD)
                .build();
        bus = EventBuses.open("memory:");
        temporal = TemporalConnection.open(TemporalConfig.builder()
                .taskQueue("tenant-service-test")
                .embeddedPort(0)
                .build());
        service = TenantService.builder()
                .databaseConfig(db)
                .eventBus(bus)
                .temporal(temporal)
                .port(0)
                .managementPort(0)
                .eventRetryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(50)))
                .welcomeNotifier((tenant, user, email, name) -> {
                    PlatformContext.current().ifPresent(c -> WELCOMED.put(email, c));
                    if (email.startsWith("undeliverable")) {
                        throw new IllegalStateException("mail server rejected the address");
                    }
                })
                .start();
        gateway = ApiGateway.start(GatewayConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("users", service.uri().toString(), Duration.ofSeconds(30))
                .jwtSecret(DevTokens.DEV_SECRET)
                .jwtIssuer(DevTokens.DEV_ISSUER)
                .jwtAudience(DevTokens.DEV_AUDIENCE)
                .build());
        acmeTenant = UUID.randomUUID();
        acme = DevTokens.mintDev("alice", acmeTenant.toString(), List.of("admin", "auditor"), Duration.ofHours(1));
        globex = DevTokens.mintDev("bob", UUID.randomUUID().toString(), List.of("member"), Duration.ofHours(1));
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

    @Test
    void createdUserIsReturnedWithItsIdAndReadBackByItsTenant() throws Exception {
        Reply created = create(acme, "ada-" + UUID.randomUUID() + "@acme.example", "Ada");
        assertThat(created.status).isEqualTo(201);
        String id = created.json.path("id").asText();
        assertThat(created.response.headers().firstValue("Location")).hasValue("/api/v1/users/" + id);

        Reply read = call(acme, "GET", "/api/v1/users/" + id, null, created.causalToken());

        assertThat(read.status).isEqualTo(200);
        assertThat(read.json.path("displayName").asText()).isEqualTo("Ada");
    }

    @Test
    void anotherTenantGets404ForTheUser() throws Exception {
        String id = create(acme, "grace-" + UUID.randomUUID() + "@acme.example", "Grace")
                .json
                .path("id")
                .asText();

        Reply read = call(globex, "GET", "/api/v1/users/" + id, null, null);

        assertThat(read.status).isEqualTo(404);
        assertThat(read.body).doesNotContain("Grace");
    }

    @Test
    void anotherTenantGets404WhenUpdatingTheUserAndChangesNothing() throws Exception {
        Reply created = create(acme, "linus-" + UUID.randomUUID() + "@acme.example", "Linus");
        String id = created.json.path("id").asText();

        Reply update = call(globex, "PUT", "/api/v1/users/" + id, "{\"displayName\":\"Hacked\",\"version\":0}", null);

        assertThat(update.status).isEqualTo(404);
        Reply after = call(acme, "GET", "/api/v1/users/" + id, null, created.causalToken());
        assertThat(after.json.path("displayName").asText()).isEqualTo("Linus");
    }

    @Test
    void anotherTenantGets404WhenDeletingTheUserAndTheUserStays() throws Exception {
        Reply created = create(acme, "ken-" + UUID.randomUUID() + "@acme.example", "Ken");
        String id = created.json.path("id").asText();

        Reply delete = call(globex, "DELETE", "/api/v1/users/" + id, null, null);

        assertThat(delete.status).isEqualTo(404);
        assertThat(call(acme, "GET", "/api/v1/users/" + id, null, created.causalToken()).status)
                .isEqualTo(200);
    }

    @Test
    void ownerDeletesTheUserAndItIsGone() throws Exception {
        Reply created = create(acme, "dennis-" + UUID.randomUUID() + "@acme.example", "Dennis");
        String id = created.json.path("id").asText();

        Reply delete = call(acme, "DELETE", "/api/v1/users/" + id, null, null);

        assertThat(delete.status).isEqualTo(204);
        assertThat(call(acme, "GET", "/api/v1/users/" + id, null, delete.causalToken()).status)
                .isEqualTo(404);
    }

    @Test
    void malformedJsonAnswers400() throws Exception {
        Reply reply = call(acme, "POST", "/api/v1/users", "{\"email\": ", null);

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.json.path("error").asText()).isEqualTo("invalid_json");
    }

    @Test
    void invalidFieldsAnswer400WithAMessagePerField() throws Exception {
        Reply reply = call(
                acme,
                "POST",
                "/api/v1/users",
                "{\"email\":\"not-an-address\",\"displayName\":42,\"admin\":true}",
                null);

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.json.path("error").asText()).isEqualTo("validation_failed");
        JsonNode fields = reply.json.path("fields");
        assertThat(fields.path("email").asText()).contains("e-mail address");
        assertThat(fields.path("displayName").asText()).isEqualTo("must be a string");
        assertThat(fields.path("admin").asText()).contains("not a known field");
    }

    @Test
    void duplicateEmailWithinATenantAnswers409() throws Exception {
        String email = "dup-" + UUID.randomUUID() + "@acme.example";
        assertThat(create(acme, email, "First").status).isEqualTo(201);

        Reply second = create(acme, email.toUpperCase(java.util.Locale.ROOT), "Second");

        assertThat(second.status).isEqualTo(409);
        assertThat(second.json.path("error").asText()).isEqualTo("email_taken");
    }

    @Test
    void theSameEmailIsFreeInAnotherTenant() throws Exception {
        String email = "shared-" + UUID.randomUUID() + "@example.com";
        assertThat(create(acme, email, "In Acme").status).isEqualTo(201);

        assertThat(create(globex, email, "In Globex").status).isEqualTo(201);
    }

    @Test
    void updateWithAStaleVersionAnswers409() throws Exception {
        Reply created = create(globex, "barbara-" + UUID.randomUUID() + "@globex.example", "Barbara");
        String id = created.json.path("id").asText();
        long version = created.json.path("version").asLong();
        Reply first = call(
                globex,
                "PUT",
                "/api/v1/users/" + id,
                "{\"displayName\":\"Barbara L.\",\"version\":" + version + "}",
                null);
        assertThat(first.status).isEqualTo(200);
        assertThat(first.json.path("version").asLong()).isEqualTo(version + 1);

        Reply stale = call(
                globex,
                "PUT",
                "/api/v1/users/" + id,
                "{\"displayName\":\"Barbara Liskov\",\"version\":" + version + "}",
                null);

        assertThat(stale.status).isEqualTo(409);
        assertThat(stale.json.path("error").asText()).isEqualTo("version_conflict");
    }

    @Test
    void listingPagesThroughEveryUserOfTheTenantOnce() throws Exception {
        String tenant = UUID.randomUUID().toString(); // a tenant of its own: the count is exact
        String token = DevTokens.mintDev("carol", tenant, List.of("member"), Duration.ofHours(1));
        Set<String> createdIds = new HashSet<>();
        String causal = null;
        for (int i = 0; i < 5; i++) {
            Reply r = create(token, "user" + i + "@paging.example", "User " + i);
            createdIds.add(r.json.path("id").asText());
            causal = r.causalToken();
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            Reply page = call(
                    token, "GET", "/api/v1/users?limit=2" + (after == null ? "" : "&after=" + after), null, causal);
            assertThat(page.status).isEqualTo(200);
            assertThat(page.json.path("total").asLong()).isEqualTo(5);
            page.json.path("items").forEach(u -> seen.add(u.path("id").asText()));
            after = page.json.path("next").isNull()
                    ? null
                    : page.json.path("next").asText();
        } while (after != null);

        assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(createdIds);
    }

    @Test
    void aFailingEventHandlerDoesNotFailTheRequestAndEndsInDeadLetters() throws Exception {
        Reply created = create(acme, "undeliverable-" + UUID.randomUUID() + "@acme.example", "Nobody");
        assertThat(created.status).isEqualTo(201);
        String id = created.json.path("id").asText();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(bus.deadLetters("tenant-service.welcome", 100).stream()
                                .map(DeadLetter::event)
                                .filter(e -> e.aggregateId().orElse("").equals(id))
                                .toList())
                        .hasSize(1));
        DeadLetter dead = bus.deadLetters("tenant-service.welcome", 100).stream()
                .filter(d -> d.event().aggregateId().orElse("").equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.errorMessage()).contains("mail server rejected");
    }

    @Test
    void adminsUserIsOnboardedAndItsEventsAreProjected() throws Exception {
        Reply created = create(acme, "onboard-" + UUID.randomUUID() + "@acme.example", "Onboarded");
        String id = created.json.path("id").asText();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Reply activity = call(acme, "GET", "/api/v1/users/" + id + "/activity", null, created.causalToken());
            List<String> types = new ArrayList<>();
            activity.json.path("items").forEach(i -> types.add(i.path("type").asText()));
            assertThat(types).contains("user.created", "user.updated", "user.onboard.completed");
        });
        Reply onboarding = call(acme, "GET", "/api/v1/users/" + id + "/onboarding", null, null);
        assertThat(onboarding.json.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(call(acme, "GET", "/api/v1/users/" + id, null, null)
                        .json
                        .path("status")
                        .asText())
                .isEqualTo("active");
    }

    /**
     * Issue #13's end-to-end flow: one request through the gateway, the service's write, both event consumers
     * and the onboarding workflow's permission step and activity carry the same tenant, user, roles and
     * correlation id (in the bound context and in every log line's MDC), with no context code in the
     * example's business methods.
     */
    @Test
    void oneRequestCarriesTheSameContextThroughTheWriteTheConsumersAndTheWorkflow() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Captured logs = new Captured();
        logs.start();
        root.addAppender(logs);
        try {
            String email = "flow-" + UUID.randomUUID() + "@acme.example";
            Reply created = create(acme, email, "Flow");
            assertThat(created.status).isEqualTo(201);
            String id = created.json.path("id").asText();
            String correlation =
                    created.response.headers().firstValue("X-Correlation-Id").orElseThrow();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> call(acme, "GET", "/api/v1/users/" + id + "/onboarding", null, null)
                            .json
                            .path("status")
                            .asText()
                            .equals("COMPLETED"));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> WELCOMED.containsKey(email)
                            && count(logs, "Projected user.updated", id) >= 1
                            && count(logs, "Projected user.created", id) >= 1);

            PlatformContext welcomed = WELCOMED.get(email);
            assertThat(welcomed.tenantId()).contains(acmeTenant);
            assertThat(welcomed.userId()).contains("alice");
            assertThat(welcomed.correlationId()).isEqualTo(correlation);

            List<String> steps = List.of(
                    "User " + id + " created",
                    "Onboarding workflow OnboardingWorkflow/",
                    "Permitted user.onboard for caller alice with roles [admin, auditor]",
                    "User " + id + " activated by onboarding",
                    "Projected user.created",
                    "Projected user.updated");
            for (String step : steps) {
                // The permission line names no user id: other tests' workflows log it too, so pick ours by correlation.
                List<ILoggingEvent> lines = logs.events.stream()
                        .filter(e -> e.getFormattedMessage().contains(step)
                                && (step.startsWith("Permitted")
                                        ? correlation.equals(
                                                e.getMDCPropertyMap().get(MdcKeys.CORRELATION_ID))
                                        : e.getFormattedMessage().contains(id)))
                        .toList();
                assertThat(lines).as("log lines of step '%s'", step).isNotEmpty();
                for (ILoggingEvent line : lines) {
                    Map<String, String> mdc = line.getMDCPropertyMap();
                    assertThat(mdc)
                            .as("MDC of '%s'", line.getFormattedMessage())
                            .containsEntry(MdcKeys.TENANT_ID, acmeTenant.toString())
                            .containsEntry(MdcKeys.USER_ID, "alice")
                            .containsEntry(MdcKeys.CORRELATION_ID, correlation)
                            .containsKey(MdcKeys.TRACE_ID);
                }
            }
            // The projection's rows: every event of the flow, the workflow activity's own included, names the caller.
            Reply activity = call(acme, "GET", "/api/v1/users/" + id + "/activity", null, created.causalToken());
            List<String> types = new ArrayList<>();
            activity.json.path("items").forEach(item -> {
                types.add(item.path("type").asText());
                assertThat(item.path("correlationId").asText()).isEqualTo(correlation);
                assertThat(item.path("actor").asText()).isEqualTo("alice");
            });
            assertThat(types).contains("user.created", "user.updated");
        } finally {
            root.detachAppender(logs);
        }
    }

    /** Keeps every log line with its MDC, safely across the threads that log. */
    private static final class Captured extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing(); // copies the MDC on the logging thread
            events.add(event);
        }
    }

    private static long count(Captured logs, String message, String id) {
        return logs.events.stream()
                .filter(e -> e.getFormattedMessage().contains(message)
                        && e.getFormattedMessage().contains(id))
                .count();
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

    @Test
    void aRequestThatBypassesTheGatewayWithoutIdentityAnswers401() throws Exception {
        HttpResponse<String> direct = HTTP.send(
                HttpRequest.newBuilder(service.uri().resolve("/api/v1/users"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(direct.statusCode()).isEqualTo(401);
    }

    @Test
    void readinessIsUpAndMetricsCountRequestsByRouteTemplate() throws Exception {
        create(acme, "metrics-" + UUID.randomUUID() + "@acme.example", "Metrics");

        HttpResponse<String> ready = HTTP.send(
                HttpRequest.newBuilder(service.managementUri().resolve("/health/ready"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = HTTP.send(
                HttpRequest.newBuilder(service.managementUri().resolve("/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("uri=\"/api/v1/users\"").doesNotContain("@acme.example");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static Reply create(String token, String email, String name) throws Exception {
        return call(
                token, "POST", "/api/v1/users", "{\"email\":\"" + email + "\",\"displayName\":\"" + name + "\"}", null);
    }

    private static Reply call(String token, String method, String path, String body, String causalToken)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (causalToken != null) {
            b.header("X-Causal-Token", causalToken);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), r.body(), json, r);
    }

    private record Reply(int status, String body, JsonNode json, HttpResponse<String> response) {
        String causalToken() {
            return response.headers().firstValue("X-Causal-Token").orElseThrow();
        }
    }

    /** The test kit's URLs carry the superuser; the service must log in as the application role. */
    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String p : url.substring(q + 1).split("&")) {
            if (!p.startsWith("user=") && !p.startsWith("password=")) {
                kept.append(kept.length() == 0 ? "?" : "&").append(p);
            }
        }
        return url.substring(0, q) + kept;
    }
}
