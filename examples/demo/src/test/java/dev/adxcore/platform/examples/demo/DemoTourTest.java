package dev.adxcore.platform.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.examples.tenantservice.TenantSchema;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import dev.adxcore.platform.test.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end test: the demo's own tour, through the gateway, with the servers the demo uses when
 * {@code PLATFORM_DB_*} and {@code PLATFORM_EVENTS_URL} are set — the test kit's real PostgreSQL primary
 * with a streaming replica and its real Redis (Redis Streams bus) — and the in-process Temporal server.
 */
@PlatformTest(replicas = 1)
class DemoTourTest {

    private static final String ROLE = "tenant_app";
    private static final String PASSWORD = "tenant-app-test-password";

    @Test
    void tourPassesThroughTheGatewayAgainstRealServers(PostgresCluster pg, RedisServer redis) throws Exception {
        try (Connection admin = pg.openPrimary()) {
            TenantSchema.createApplicationRole(admin, ROLE, PASSWORD);
        }
        Map<String, String> env = new HashMap<>();
        env.put("PLATFORM_DB_PRIMARY_URL", withoutCredentials(pg.primaryJdbcUrl()));
        env.put(
                "PLATFORM_DB_REPLICA_URLS",
                String.join(
                        ",",
                        pg.replicaJdbcUrls().stream()
                                .map(DemoTourTest::withoutCredentials)
                                .toList()));
        env.put("PLATFORM_DB_USERNAME", ROLE);
        env.put("PLATFORM_DB_PASSWORD", PASSWORD);
        env.put("PLATFORM_DB_MIGRATION_USERNAME", pg.username());
        env.put("PLATFORM_DB_MIGRATION_PASSWORD", pg.password());
        String redisUri = redis.uri();
        env.put(
                "PLATFORM_EVENTS_URL",
                redisUri + (redisUri.contains("?") ? "&" : "?") + "streamKeyPrefix=" + redis.key("events:"));
        ByteArrayOutputStream narration = new ByteArrayOutputStream();

        Tour.Result result;
        try (DemoStack stack = DemoStack.start(DemoStack.Options.ephemeral(), env);
                PrintStream out = new PrintStream(narration, true, StandardCharsets.UTF_8)) {
            assertThat(stack.databaseDescription()).contains("+1 replica(s)");
            assertThat(stack.eventBusDescription()).containsIgnoringCase("redis");
            result = new Tour(stack.gatewayUri(), DemoTenant.acme(), DemoTenant.globex(), out).run();
        }

        assertThat(result.firstActivity()).contains("user.created", "user.updated", "user.onboard.completed");
        assertThat(narration.toString(StandardCharsets.UTF_8)).contains("Tour passed.");
    }

    private static String withoutCredentials(String url) {
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
