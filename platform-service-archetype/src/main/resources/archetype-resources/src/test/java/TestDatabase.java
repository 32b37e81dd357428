package ${package};

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.test.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema on the test kit's PostgreSQL, migrated once per database by the owner, and the configs of the
 * application role the service connects as (row-level security applies to it) and of the outbox relay's role.
 */
final class TestDatabase {

    static final String ROLE = "${appRole}";
    static final String PASSWORD = "${appRole}-test-password";
    private static final Set<String> MIGRATED = ConcurrentHashMap.newKeySet();

    private TestDatabase() {
    }

    /** Creates the application role and migrates the schema (once per database); returns the role's config. */
    static synchronized DatabaseConfig migrated(PostgresCluster pg) throws SQLException {
        String url = withoutCredentials(pg.primaryJdbcUrl());
        if (MIGRATED.add(url)) {
            try (Connection admin = pg.openPrimary()) {
                Schema.createApplicationRole(admin, ROLE, PASSWORD);
            }
            Schema.migrate(url, pg.username(), pg.password(), ROLE);
            pg.awaitReplication();
        }
        return DatabaseConfig.builder().name("${entities}").primaryUrl(url)
                .replicaUrls(pg.replicaJdbcUrls().stream().map(TestDatabase::withoutCredentials).toList())
                .username(ROLE).password(PASSWORD).build();
    }

    /** The outbox relay's connection: its own role ({@link Schema#relayRole}), the primary only. */
    static DatabaseConfig relay(PostgresCluster pg) throws SQLException {
        migrated(pg);
        return DatabaseConfig.builder().name("${entities}-outbox-relay").primaryUrl(withoutCredentials(pg.primaryJdbcUrl()))
                .username(Schema.relayRole(ROLE)).password(PASSWORD).maxConnections(4).build();
    }

    /** The kit's URLs carry the superuser's credentials: the service connects as the application role instead. */
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
