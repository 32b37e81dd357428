package dev.adxcore.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.database.support.AppDatabase;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each unit of work is one span of platform semantics: route, consistency, tenant; no SQL values. */
@PlatformTest(replicas = 1)
class UnitOfWorkTracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final UUID A = UUID.randomUUID();

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private static AppDatabase app;
    private static DatabaseManager db;

    @BeforeAll
    static void setUp(PostgresCluster pg) throws SQLException {
        app = AppDatabase.setUp(pg);
        db = DatabaseManager.create(app.config().build());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        app.superuser("DELETE FROM notes", "DELETE FROM customers");
        OTEL.clearSpans();
    }

    private static PlatformContext.Scope incomingRequest() {
        return PlatformContext.builder()
                .tenantId(A)
                .trace(TraceParent.parse(PARENT).orElseThrow())
                .build()
                .bind();
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void aWriteIsOneSpanOnThePrimaryInTheRequestsTraceAndCurrentWhileItsWorkRuns() {
        AtomicReference<String> spanInWork = new AtomicReference<>();
        AtomicReference<String> boundInWork = new AtomicReference<>();
        try (PlatformContext.Scope ignored = incomingRequest()) {
            db.inTransaction(h -> {
                spanInWork.set(Span.current().getSpanContext().getSpanId());
                boundInWork.set(PlatformContext.require().trace().orElseThrow().spanId());
                return h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'the body')", A);
            });
            assertThat(PlatformContext.require().causalToken())
                    .as("the commit's token lands in the request's context, not in the unit's copy of it")
                    .isPresent();
            assertThat(PlatformContext.require().trace().orElseThrow().toHeader())
                    .as("after the unit the request's own trace is bound again")
                    .isEqualTo(PARENT);
        }
        SpanData unit = OTEL.getSpans().stream().collect(onlyOne());
        assertThat(unit.getName()).isEqualTo("write test");
        assertThat(unit.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(unit.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(unit.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(spanInWork.get()).isEqualTo(unit.getSpanId());
        assertThat(boundInWork.get())
                .as("the bound context's trace names the unit's span while it runs (logs, recorded events)")
                .isEqualTo(unit.getSpanId());
        assertThat(attribute(unit, "db.system.name")).isEqualTo("postgresql");
        assertThat(attribute(unit, "adxcore.db.unit")).isEqualTo("write");
        assertThat(attribute(unit, "adxcore.db.route")).isEqualTo("primary");
        assertThat(attribute(unit, "adxcore.db.pool")).isEqualTo("test-primary");
        assertThat(attribute(unit, "adxcore.db.name")).isEqualTo("test");
        assertThat(attribute(unit, "adxcore.tenant_id")).isEqualTo(A.toString());
        assertThat(unit.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aReplicaReadNamesItsRouteAndConsistency() {
        try (PlatformContext.Scope ignored = incomingRequest()) {
            db.read(ReadConsistency.replica(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        }
        SpanData unit = OTEL.getSpans().stream().collect(onlyOne());
        assertThat(unit.getName()).isEqualTo("read test");
        assertThat(unit.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(attribute(unit, "adxcore.db.unit")).isEqualTo("read");
        assertThat(attribute(unit, "adxcore.db.route")).isEqualTo("replica");
        assertThat(attribute(unit, "adxcore.db.pool")).isEqualTo("test-replica-1");
        assertThat(attribute(unit, "adxcore.db.consistency")).isEqualTo("replica");
        assertThat(attribute(unit, "adxcore.db.fallback")).isNull();
    }

    @Test
    void aCausalReadNoReplicaHasReplayedIsServedByThePrimaryAndSaysWhy() {
        CausalToken future = CausalToken.parse("FFFF/FFFFFFFF");
        try (PlatformContext.Scope ignored = incomingRequest()) {
            db.read(ReadConsistency.causal(future), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        }
        SpanData unit = OTEL.getSpans().stream().collect(onlyOne());
        assertThat(attribute(unit, "adxcore.db.consistency")).isEqualTo("causal");
        assertThat(attribute(unit, "adxcore.db.route")).isEqualTo("primary");
        assertThat(attribute(unit, "adxcore.db.fallback")).isEqualTo("lagging");
    }

    @Test
    void aReadInsideAWriteIsAChildOfTheWriteOnItsConnection() {
        try (PlatformContext.Scope ignored = incomingRequest()) {
            db.inTransaction(h -> {
                h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A);
                return db.read(ReadConsistency.replica(), r -> r.query("SELECT body FROM notes", x -> x.getString(1)));
            });
        }
        List<SpanData> spans = OTEL.getSpans();
        SpanData write =
                spans.stream().filter(s -> s.getName().equals("write test")).collect(onlyOne());
        SpanData read =
                spans.stream().filter(s -> s.getName().equals("read test")).collect(onlyOne());
        assertThat(read.getParentSpanId()).isEqualTo(write.getSpanId());
        assertThat(read.getAttributes().get(AttributeKey.booleanKey("adxcore.db.joined")))
                .isTrue();
        assertThat(attribute(read, "adxcore.db.route")).isEqualTo("primary");
    }

    @Test
    void unitsOutsideAnyTraceMakeNoSpan() {
        // what an outbox relay's poll or a start-up check does: no trace is current, so no trace per poll
        db.inTransactionWithoutTenant(h -> h.query("SELECT 1", r -> r.getInt(1)));
        db.read(A, ReadConsistency.replica(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        try (PlatformContext.Scope ignored =
                PlatformContext.builder().tenantId(A).build().bind()) {
            db.inTransaction(h -> h.update("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')", A));
        }
        assertThat(OTEL.getSpans()).isEmpty();
    }

    @Test
    void aUnitInsideAnOtelSpanWithoutPlatformContextIsItsChild() {
        Span parent =
                OTEL.getOpenTelemetry().getTracer("test").spanBuilder("job").startSpan();
        try (io.opentelemetry.context.Scope ignored = parent.makeCurrent()) {
            db.read(A, ReadConsistency.latest(), h -> h.query("SELECT body FROM notes", r -> r.getString(1)));
        } finally {
            parent.end();
        }
        SpanData unit = OTEL.getSpans().stream()
                .filter(s -> s.getName().equals("read test"))
                .collect(onlyOne());
        assertThat(unit.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(attribute(unit, "adxcore.db.route")).isEqualTo("primary");
    }

    @Test
    void aFailedUnitIsAnErrorSpanWithTheExceptionTypeAndNoRowValues() {
        String secret = "secret-customer-name";
        db.inTransaction(
                A,
                h -> h.update(
                        "INSERT INTO customers (id, tenant_id, name) VALUES (?, ?, ?)", UUID.randomUUID(), A, secret));
        try (PlatformContext.Scope ignored = incomingRequest()) {
            assertThatThrownBy(() -> db.inTransaction(
                            A,
                            h -> h.update(
                                    "INSERT INTO customers (id, tenant_id, name) VALUES (?, ?, ?)",
                                    UUID.randomUUID(),
                                    A,
                                    secret)))
                    .isInstanceOf(DuplicateKeyException.class);
        }
        SpanData unit = OTEL.getSpans().stream().collect(onlyOne());
        assertThat(unit.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(unit, "error.type")).isEqualTo(DuplicateKeyException.class.getName());
        assertThat(unit.getEvents())
                .as("no exception event: its message carries the row's values")
                .isEmpty();
        assertThat(unit.toString()).doesNotContain(secret);
    }

    @Test
    void aFailedReadIsAnErrorSpan() {
        try (PlatformContext.Scope ignored = incomingRequest()) {
            assertThatThrownBy(() -> db.read(
                            A,
                            ReadConsistency.latest(),
                            h -> h.query("SELECT no_such_column FROM notes", r -> r.getString(1))))
                    .isInstanceOf(DatabaseException.class);
        }
        SpanData unit = OTEL.getSpans().stream().collect(onlyOne());
        assertThat(unit.getName()).isEqualTo("read test");
        assertThat(unit.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(unit, "error.type")).isNotBlank();
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }
}
