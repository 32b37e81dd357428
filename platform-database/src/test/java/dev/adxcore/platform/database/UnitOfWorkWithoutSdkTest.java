package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With no OTel SDK installed a unit of work runs exactly as without tracing: the request's trace stays bound. */
@PlatformTest
class UnitOfWorkWithoutSdkTest {

    private static final TraceParent INCOMING = TraceParent.parse(
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();
    private static final java.util.UUID A = java.util.UUID.randomUUID();

    private static DatabaseManager db;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        GlobalOpenTelemetry.resetForTest(); // whatever an earlier test class in this JVM installed
        db = DatabaseManager.create(AppDatabase.setUp(pg).config().build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void unitsRunWithTheIncomingTraceAndNoSpanOfTheirOwn() {
        assertThat(PlatformTracing.global().isEnabled()).isFalse();
        AtomicReference<TraceParent> boundInWrite = new AtomicReference<>();
        AtomicReference<Boolean> spanInRead = new AtomicReference<>();
        try (PlatformContext.Scope ignored =
                PlatformContext.builder().tenantId(A).trace(INCOMING).build().bind()) {
            db.inTransaction(h -> {
                boundInWrite.set(PlatformContext.require().trace().orElseThrow());
                return h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A);
            });
            int rows = db.read(ReadConsistency.readYourWrites(), h -> {
                spanInRead.set(Span.current().getSpanContext().isValid());
                return h.query("SELECT body FROM notes", r -> r.getString(1)).size();
            });
            assertThat(rows).isEqualTo(1);
            assertThat(PlatformContext.require().causalToken()).isPresent();
        }
        assertThat(boundInWrite.get()).isEqualTo(INCOMING);
        assertThat(spanInRead.get()).as("no OTel span is made current").isFalse();
    }
}
