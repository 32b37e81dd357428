package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs two annotated sample classes through JUnit itself and checks what each of them was given. */
@PlatformTest(replicas = 0)
class ClassIsolationTest {
    static final Map<String, String> DATABASES = new ConcurrentHashMap<>();
    static final Map<String, Integer> ROWS_SEEN = new ConcurrentHashMap<>();
    static final Map<String, String> KEY_PREFIXES = new ConcurrentHashMap<>();

    @BeforeAll
    static void runTheSampleClasses() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstSample.class), selectClass(SecondSample.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(3).succeeded(3));
    }

    @Test
    void twoTestClassesGetSeparateDatabases() {
        assertThat(DATABASES.get("first")).isNotEqualTo(DATABASES.get("second"));
        assertThat(ROWS_SEEN).containsEntry("first", 1).containsEntry("second", 1);
    }

    @Test
    void nestedClassesShareTheEnclosingClassDatabase() {
        assertThat(DATABASES.get("first-nested")).isEqualTo(DATABASES.get("first"));
    }

    @Test
    void eachClassDatabaseIsDroppedAfterItsLastTest(PostgresCluster db) throws SQLException {
        try (Connection c = db.openPrimary();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", new Object[] {DATABASES.get("first"), DATABASES.get("second")}));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void twoTestClassesGetSeparateRedisKeyPrefixes() {
        assertThat(KEY_PREFIXES.get("first")).isNotEqualTo(KEY_PREFIXES.get("second"));
        assertThat(KEY_PREFIXES.get("first")).startsWith("t:firstsample:");
        assertThat(KEY_PREFIXES.get("second")).startsWith("t:secondsample:");
    }

    static void record(String name, PostgresCluster db, RedisServer redis) throws SQLException {
        try (Connection c = db.openPrimary();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS probe (owner text NOT NULL)");
            s.execute("INSERT INTO probe VALUES ('" + name + "')");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
                rs.next();
                ROWS_SEEN.put(name, rs.getInt(1));
            }
        }
        DATABASES.put(name, db.databaseName());
        KEY_PREFIXES.put(name, redis.keyPrefix());
    }

    @PlatformTest(replicas = 0)
    static class FirstSample {
        @Test
        void recordsWhatItWasGiven(PostgresCluster db, RedisServer redis) throws SQLException {
            record("first", db, redis);
        }

        @Nested
        class Inner {
            @Test
            void recordsWhatItWasGiven(PostgresCluster db) {
                DATABASES.put("first-nested", db.databaseName());
            }
        }
    }

    @PlatformTest(replicas = 0)
    static class SecondSample {
        @Test
        void recordsWhatItWasGiven(PostgresCluster db, RedisServer redis) throws SQLException {
            record("second", db, redis);
        }
    }
}
