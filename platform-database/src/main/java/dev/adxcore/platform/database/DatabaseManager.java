package dev.adxcore.platform.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.internal.DatabaseHealthChecks;
import dev.adxcore.platform.database.internal.DriverSettings;
import dev.adxcore.platform.database.internal.JdbcHandle;
import dev.adxcore.platform.database.internal.ReadRouter;
import dev.adxcore.platform.database.internal.Replica;
import dev.adxcore.platform.database.internal.ReplicaMonitor;
import dev.adxcore.platform.database.internal.RoutingDataSource;
import dev.adxcore.platform.database.internal.SqlErrors;
import dev.adxcore.platform.database.internal.StartupSafetyCheck;
import dev.adxcore.platform.database.internal.Tenants;
import dev.adxcore.platform.database.internal.UnitTracing;
import dev.adxcore.platform.observability.health.HealthCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of platform-database: one HikariCP pool per server (the primary and each replica),
 * health-aware read routing, tenant-scoped units of work, health checks and metrics.
 *
 * <pre>{@code
 * try (DatabaseManager db = DatabaseManager.create(DatabaseConfig.fromEnvironment().build())) {
 *     Committed<UUID> created = db.inTransaction(tenantId, h ->
 *             h.queryOne("INSERT INTO notes (tenant_id, body) VALUES (?, ?) RETURNING id",
 *                     row -> row.getObject(1, UUID.class), tenantId, "hello").orElseThrow());
 *     // later, maybe in another request that carried created.token() along:
 *     List<String> bodies = db.read(tenantId, ReadConsistency.causal(created.token()),
 *             h -> h.query("SELECT body FROM notes", row -> row.getString(1)));
 * }
 * }</pre>
 *
 * <p><b>Units of work.</b> {@link #inTransaction(UUID, Work)} runs on the primary in one transaction
 * and returns the work's value with a {@link CausalToken}. {@link #read(UUID, ReadConsistency, Work)}
 * runs read-only on the server the {@link ReadConsistency} allows; a read on a replica that fails
 * because the replica is gone (or a recovery conflict cancels it) is run once more on the primary, so
 * replica outages never reach the caller; the work may therefore run twice and must not have side
 * effects outside the database. A read started inside a read-write unit on the same thread uses that
 * unit's connection. In every unit the tenant is bound to that transaction only
 * ({@link RowLevelSecurity#BIND_TENANT}: {@code app.tenant_id} with {@code app.tenant_tx}, the
 * transaction's identity), so row-level security filters every statement, and a tenant that SQL of
 * an earlier unit left at session level is ignored by every later borrower of the connection. SQL failures are rethrown as {@link DatabaseException}
 * subclasses.
 *
 * <p><b>Bounds.</b> No unit of work waits without a deadline, also when a server hangs instead of refusing (a
 * paused VM, a silent network): getting a connection is bounded by {@link DatabaseConfig#acquireTimeout()},
 * each wait for the server's answer by {@link DatabaseConfig#socketTimeout()} (5 s by default). A write that
 * meets a hanging primary fails with {@link DatabaseUnavailableException}; a read that meets a hanging replica
 * runs again on the primary. {@link Handle#allowLongStatements(java.time.Duration)} lifts the bound for one
 * unit. Replica probes wait at most 1 s to connect and min(recheck interval, 1 s) for an answer, so a
 * recovered replica is back in rotation at its next probe.
 *
 * <p><b>Start-up.</b> {@link #create(DatabaseConfig)} connects to the primary and refuses to start
 * (or warns, see {@link DatabaseConfig.RoleCheck}) when the application role would bypass
 * row-level security. Replicas that are down at start-up are simply out of rotation.
 *
 * <p><b>Metrics</b> (tags bounded to pool/replica names): HikariCP's {@code hikaricp.connections.*}
 * per pool; {@code platform.db.reads} (tags {@code db}, {@code target}, {@code consistency});
 * {@code platform.db.read.fallbacks} (tags {@code db}, {@code reason}: {@code unavailable},
 * {@code lagging}, {@code failed}); per replica {@code platform.db.replica.lag} (seconds),
 * {@code platform.db.replica.lag.bytes} and {@code platform.db.replica.available} (1 or 0).
 *
 * <p>Thread-safe. Expensive: create one per database per process, reuse it, close it at shutdown.
 *
 * @since 0.1.0
 */
public final class DatabaseManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseManager.class);

    private final DatabaseConfig config;
    private final String primaryName;
    private final HikariDataSource primary;
    private final Replica[] replicas;
    private final @Nullable ReplicaMonitor monitor;
    private final RoutingDataSource replicaDataSource;
    private final ReadRouter router;
    private final ThreadLocal<@Nullable JdbcHandle> currentWrite = new ThreadLocal<>();
    private final Map<String, Map<ReadConsistency.Kind, Counter>> reads = new LinkedHashMap<>();
    private final Counter fallbackUnavailable;
    private final Counter fallbackLagging;
    private final Counter fallbackFailed;
    private final List<Meter> meters = new ArrayList<>();
    private final List<HealthCheck> healthChecks;
    private final boolean singleSyncSafe;
    private final UnitTracing tracing;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DatabaseManager(DatabaseConfig config) {
        this.config = config;
        this.singleSyncSafe = singleSyncSafe(config);
        this.tracing = new UnitTracing(config.name());
        MeterRegistry registry = config.meterRegistry();
        MicrometerMetricsTrackerFactory metrics = new MicrometerMetricsTrackerFactory(registry);
        this.primaryName = config.name() + "-primary";
        LOG.info(
                "{} - starting: primary {}, {} replica(s), user {}",
                config.name(),
                config.primaryUrl(),
                config.replicaUrls().size(),
                config.username());
        this.primary = pool(primaryName, config.primaryUrl(), metrics, true);
        List<Replica> replicaList = new ArrayList<>();
        try {
            for (int i = 0; i < config.replicaUrls().size(); i++) {
                String name = config.name() + "-replica-" + (i + 1);
                replicaList.add(
                        new Replica(name, pool(name, config.replicaUrls().get(i), metrics, false)));
            }
        } catch (RuntimeException e) {
            replicaList.forEach(r -> r.pool().close());
            primary.close();
            throw e;
        }
        this.replicas = replicaList.toArray(new Replica[0]);
        counters(primaryName, registry);
        for (Replica r : replicas) {
            counters(r.name(), registry);
            meters.add(Gauge.builder("platform.db.replica.lag", r, x -> x.lagNanos(System.nanoTime()) / 1e9)
                    .tags(io.micrometer.core.instrument.Tags.of("db", config.name(), "replica", r.name()))
                    .baseUnit("seconds")
                    .description("estimated replay lag of the replica (WAL-position based)")
                    .register(registry));
            meters.add(Gauge.builder("platform.db.replica.lag.bytes", r, Replica::lagBytes)
                    .tags(io.micrometer.core.instrument.Tags.of("db", config.name(), "replica", r.name()))
                    .baseUnit("bytes")
                    .description("WAL the replica had not replayed at the last probe")
                    .register(registry));
            meters.add(Gauge.builder("platform.db.replica.available", r, x -> x.isAvailable() ? 1 : 0)
                    .tags(io.micrometer.core.instrument.Tags.of("db", config.name(), "replica", r.name()))
                    .description("1 when the replica answers and is in recovery")
                    .register(registry));
        }
        this.fallbackUnavailable = fallbackCounter(registry, "unavailable");
        this.fallbackLagging = fallbackCounter(registry, "lagging");
        this.fallbackFailed = fallbackCounter(registry, "failed");
        this.monitor = replicas.length == 0
                ? null
                : new ReplicaMonitor(
                        config.name(), primary, replicaList, config.replicaRecheckInterval(), config.maxReplicaLag());
        this.replicaDataSource = new RoutingDataSource(this::replicaConnection, primary);
        this.router = new ReadRouter(replicaList, config.maxReplicaLag());
        this.healthChecks = DatabaseHealthChecks.build(
                config.name(), primaryName, primary, replicaList, monitor, config.maxReplicaLag());
    }

    /**
     * Starts the pools, runs the start-up safety check on the primary and starts the replica monitor.
     *
     * @param config the configuration
     * @return the running manager
     * @throws UnsafeRoleException when the role check finds that row-level security would not apply
     *         and {@link DatabaseConfig#roleCheck()} is {@link DatabaseConfig.RoleCheck#REFUSE}
     * @throws DatabaseUnavailableException when the primary cannot be reached within the acquire timeout
     */
    public static DatabaseManager create(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        DatabaseManager db;
        try {
            db = new DatabaseManager(config);
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException(
                    config.name() + "-primary is unavailable at start-up: "
                            + (e.getCause() == null
                                    ? e.getMessage()
                                    : e.getCause().getMessage()),
                    e);
        }
        try {
            db.checkRole();
            if (db.monitor != null) {
                db.monitor.start();
            }
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        LOG.info(
                "{} - started ({} of {} replica(s) in rotation)",
                config.name(),
                java.util.Arrays.stream(db.replicas)
                        .filter(Replica::isAvailable)
                        .count(),
                db.replicas.length);
        return db;
    }

    /**
     * Whether pgjdbc, with these settings, sends the tenant prefix and a statement with typed
     * parameters before one Sync; see {@link DriverSettings}. Reads use the explicit READ ONLY
     * transaction form (same round trip) when it does not.
     */
    private static boolean singleSyncSafe(DatabaseConfig config) {
        List<String> urls = new ArrayList<>();
        urls.add(config.primaryUrl());
        urls.addAll(config.replicaUrls());
        DriverSettings settings = DriverSettings.of(urls, config.driverProperties());
        if (!settings.isSingleSyncSafe()) {
            LOG.info(
                    "{} - read-only units use an explicit READ ONLY transaction per statement because of {}",
                    config.name(),
                    String.join(", ", settings.reasons()));
        }
        return settings.isSingleSyncSafe();
    }

    private HikariDataSource pool(String name, String url, MicrometerMetricsTrackerFactory metrics, boolean failFast) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setUsername(config.username());
        hc.setPassword(config.password());
        hc.setMinimumIdle(config.minConnections());
        hc.setMaximumPoolSize(config.maxConnections());
        hc.setConnectionTimeout(config.acquireTimeout().toMillis());
        // A pooled connection is checked (when idle for a while) with this bound: short, so that a frozen server
        // costs a borrower this much before the pool gives up on the connection, not the whole acquire timeout.
        hc.setValidationTimeout(Math.max(250, Math.min(config.acquireTimeout().toMillis() - 1, 1000)));
        hc.setInitializationFailTimeout(failFast ? config.acquireTimeout().toMillis() : -1);
        hc.setMetricsTrackerFactory(metrics);
        hc.addDataSourceProperty("ApplicationName", name);
        hc.addDataSourceProperty(
                "connectTimeout",
                String.valueOf(Math.max(1, config.acquireTimeout().toSeconds())));
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty(
                "socketTimeout", String.valueOf(config.socketTimeout().toSeconds()));
        config.driverProperties().forEach(hc::addDataSourceProperty);
        return new HikariDataSource(hc);
    }

    private void counters(String target, MeterRegistry registry) {
        Map<ReadConsistency.Kind, Counter> byKind = new EnumMap<>(ReadConsistency.Kind.class);
        for (ReadConsistency.Kind kind : ReadConsistency.Kind.values()) {
            Counter c = Counter.builder("platform.db.reads")
                    .tags(
                            "db",
                            config.name(),
                            "target",
                            target,
                            "consistency",
                            kind.name().toLowerCase(java.util.Locale.ROOT))
                    .description("read-only units of work by the pool that served them")
                    .register(registry);
            byKind.put(kind, c);
            meters.add(c);
        }
        reads.put(target, byKind);
    }

    private Counter fallbackCounter(MeterRegistry registry, String reason) {
        Counter c = Counter.builder("platform.db.read.fallbacks")
                .tags("db", config.name(), "reason", reason)
                .description("replica reads served by the primary instead")
                .register(registry);
        meters.add(c);
        return c;
    }

    private void checkRole() {
        List<String> findings;
        try (Connection c = primary.getConnection()) {
            findings = StartupSafetyCheck.findings(c, config.tenantColumn());
        } catch (SQLException e) {
            throw SqlErrors.map(e, null, primaryName);
        }
        if (findings.isEmpty()) {
            return;
        }
        if (config.roleCheck() == DatabaseConfig.RoleCheck.REFUSE) {
            throw new UnsafeRoleException(
                    "refusing to start: row-level security would not protect tenants: "
                            + String.join("; ", findings) + ". Fix the role or tables, or set roleCheck WARN "
                            + "(PLATFORM_DB_ROLE_CHECK=warn) for tools that must run anyway.",
                    null);
        }
        for (String finding : findings) {
            LOG.warn("{} - UNSAFE: {} (roleCheck=WARN, starting anyway)", config.name(), finding);
        }
    }

    /**
     * The primary's pool. Connections from it have no tenant set: on tenant tables they see no rows.
     *
     * @return the primary data source
     */
    public DataSource primary() {
        return primary;
    }

    /**
     * A data source whose connections come from a healthy replica (round-robin), or from the primary
     * when none is. Connections have no tenant set: on tenant tables they see no rows.
     *
     * @return the replica-routing data source
     */
    public DataSource replica() {
        return replicaDataSource;
    }

    /** @return this manager's configuration */
    public DatabaseConfig config() {
        return config;
    }

    /**
     * Runs a read-write unit of work for a tenant on the primary, in one transaction, and commits it.
     *
     * @param <T> what the work returns
     * @param tenantId the tenant; row-level security restricts the unit to its rows
     * @param work the work
     * @return the work's value and the commit's causal token
     * @throws DatabaseException (a subclass for duplicate keys, foreign keys, tenant violations,
     *         unavailability) when a statement or the commit fails; the transaction is rolled back
     * @throws IllegalStateException when called inside another read-write unit on the same thread
     *         (use {@link #currentTransaction()} to join it)
     */
    public <T extends @Nullable Object> Committed<T> inTransaction(UUID tenantId, Work<T> work) {
        return write(Tenants.require(tenantId, "DatabaseManager.inTransaction"), work);
    }

    /**
     * Runs a read-write unit of work for the tenant of the bound {@link PlatformContext} (see
     * {@link PlatformContext#bind()}), in one transaction on the primary, and commits it. After the
     * commit the bound context carries the commit's causal token, so a later
     * {@link ReadConsistency#readYourWrites()} read in the same flow (and the events built in it) see the write.
     *
     * @param <T> what the work returns
     * @param work the work
     * @return the work's value and the commit's causal token
     * @throws TenantNotSetException when no context with a tenant is bound to this thread
     * @throws DatabaseException when a statement or the commit fails; the transaction is rolled back
     * @throws IllegalStateException when called inside another read-write unit on the same thread
     */
    public <T extends @Nullable Object> Committed<T> inTransaction(Work<T> work) {
        ensureOpen();
        return write(boundTenant("inTransaction(work)"), work);
    }

    /**
     * Runs a read-write unit of work without a tenant: tenant tables show no rows and refuse writes
     * ({@link TenantNotSetException}). For tables that are not per tenant.
     *
     * @param <T> what the work returns
     * @param work the work
     * @return the work's value and the commit's causal token
     * @throws DatabaseException when a statement or the commit fails; the transaction is rolled back
     * @throws IllegalStateException when called inside another read-write unit on the same thread
     */
    public <T extends @Nullable Object> Committed<T> inTransactionWithoutTenant(Work<T> work) {
        return write(null, work);
    }

    /**
     * The tenant of the {@link PlatformContext} bound to this thread: what every method without an
     * explicit tenant uses (units of work here, {@link dev.adxcore.platform.database.repository.Repository}'s
     * tenant-less overloads).
     *
     * @param operation what needs the tenant, for the message
     * @return the bound tenant
     * @throws TenantNotSetException when no context is bound, or the bound context has no tenant
     */
    public static UUID boundTenant(String operation) {
        Optional<PlatformContext> context = PlatformContext.current();
        if (context.isPresent() && context.get().tenantId().isPresent()) {
            return context.get().tenantId().get();
        }
        throw new TenantNotSetException(
                operation + " needs a tenant, and "
                        + (context.isEmpty()
                                ? "no PlatformContext is bound to this thread"
                                : "the bound PlatformContext has none")
                        + ": bind one with a tenant (PlatformContext.builder().tenantId(...).build().bind(), as the request "
                        + "edge does), pass the tenant explicitly, or use the ...WithoutTenant variant for tables that are "
                        + "not per tenant",
                null);
    }

    /**
     * The read-write unit of work running on this thread, to join it (repositories do).
     *
     * @return its handle, or empty outside a read-write unit
     */
    public Optional<Handle> currentTransaction() {
        return Optional.ofNullable(currentWrite.get());
    }

    /**
     * Runs a read-only unit of work for a tenant on the server that {@code consistency} allows.
     *
     * @param <T> what the work returns
     * @param tenantId the tenant; row-level security restricts the unit to its rows
     * @param consistency what the read can accept
     * @param work the work; may run twice if a replica fails under it
     * @return the work's value
     * @throws DatabaseException when a statement fails (replica outages are retried on the primary)
     * @throws TenantIsolationException when called inside a read-write unit of another tenant
     */
    public <T extends @Nullable Object> T read(UUID tenantId, ReadConsistency consistency, Work<T> work) {
        return readFor(Tenants.require(tenantId, "DatabaseManager.read"), consistency, work);
    }

    /**
     * Runs a read-only unit of work for the tenant of the bound {@link PlatformContext} on the server
     * that {@code consistency} allows.
     *
     * @param <T> what the work returns
     * @param consistency what the read can accept ({@link ReadConsistency#readYourWrites()} follows the
     *        bound context's causal token)
     * @param work the work; may run twice if a replica fails under it
     * @return the work's value
     * @throws TenantNotSetException when no context with a tenant is bound to this thread
     * @throws DatabaseException when a statement fails (replica outages are retried on the primary)
     * @throws TenantIsolationException when called inside a read-write unit of another tenant
     */
    public <T extends @Nullable Object> T read(ReadConsistency consistency, Work<T> work) {
        ensureOpen();
        return readFor(boundTenant("read(consistency, work)"), consistency, work);
    }

    /**
     * Runs a read-only unit of work without a tenant (tenant tables show no rows) on the server that
     * {@code consistency} allows. For tables that are not per tenant.
     *
     * @param <T> what the work returns
     * @param consistency what the read can accept
     * @param work the work; may run twice if a replica fails under it
     * @return the work's value
     * @throws DatabaseException when a statement fails (replica outages are retried on the primary)
     */
    public <T extends @Nullable Object> T readWithoutTenant(ReadConsistency consistency, Work<T> work) {
        return readFor(null, consistency, work);
    }

    private Counter readCounter(String target, ReadConsistency.Kind kind) {
        return Objects.requireNonNull(
                Objects.requireNonNull(reads.get(target), target).get(kind), target);
    }

    private <T extends @Nullable Object> Committed<T> write(@Nullable UUID tenantId, Work<T> work) {
        Objects.requireNonNull(work, "work");
        ensureOpen();
        if (currentWrite.get() != null) {
            throw new IllegalStateException("a read-write unit of work is already running on this thread; "
                    + "join it with DatabaseManager.currentTransaction() instead of nesting inTransaction(...)");
        }
        Span span = tracing.startWrite(primaryName, tenantId);
        if (span == null) {
            return writeUnit(tenantId, work, null);
        }
        try {
            return writeUnit(tenantId, work, span);
        } catch (RuntimeException | Error e) {
            UnitTracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private <T extends @Nullable Object> Committed<T> writeUnit(
            @Nullable UUID tenantId, Work<T> work, @Nullable Span span) {
        // The unit's span is current while the work and the commit run; the scope closes before the bound context
        // takes the commit's causal token, so the token lands in the flow's own context, not in the unit's copy.
        @Nullable Scope scope = span == null ? null : UnitTracing.bind(span);
        Connection c;
        try {
            c = primary.getConnection();
        } catch (SQLException e) {
            closeQuietly(scope);
            throw SqlErrors.map(e, tenantId, primaryName);
        } catch (RuntimeException | Error e) {
            closeQuietly(scope);
            throw e;
        }
        JdbcHandle h = null;
        try {
            h = JdbcHandle.readWrite(c, tenantId, primaryName);
            currentWrite.set(h);
            T value = work.run(h);
            CausalToken token = h.commit();
            closeQuietly(scope);
            scope = null;
            // The flow that wrote carries the write's position on: its later reads and events can wait for it.
            PlatformContext.updateCurrent(
                    context -> context.toBuilder().causalToken(token.toString()).build());
            currentWrite.remove();
            h.runAfterCommit();
            return new Committed<>(value, token);
        } catch (SQLException e) {
            if (h != null) {
                h.rollbackQuietly();
            }
            throw SqlErrors.map(e, tenantId, primaryName);
        } catch (RuntimeException | Error e) {
            if (h != null) {
                h.rollbackQuietly();
            }
            throw e;
        } finally {
            currentWrite.remove();
            if (h != null) {
                h.close();
            }
            closeQuietly(c);
            closeQuietly(scope);
        }
    }

    private <T extends @Nullable Object> T readFor(@Nullable UUID tenantId, ReadConsistency consistency, Work<T> work) {
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(work, "work");
        ensureOpen();
        consistency = consistency.resolved();
        Span span = tracing.startRead(consistency.kind(), tenantId);
        if (span == null) {
            return route(tenantId, consistency, work, null);
        }
        try (Scope ignored = UnitTracing.bind(span)) {
            return route(tenantId, consistency, work, span);
        } catch (RuntimeException | Error e) {
            UnitTracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private <T extends @Nullable Object> T route(
            @Nullable UUID tenantId, ReadConsistency consistency, Work<T> work, @Nullable Span span) {
        JdbcHandle joined = currentWrite.get();
        if (joined != null) {
            UnitTracing.joined(span, primaryName);
            if (!Objects.equals(joined.tenantId().orElse(null), tenantId)) {
                throw new TenantIsolationException(
                        "a read for another tenant cannot run inside this thread's " + "read-write unit of work", null);
            }
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw SqlErrors.map(e, tenantId, primaryName);
            }
        }
        ReadConsistency.Kind kind = consistency.kind();
        if (kind == ReadConsistency.Kind.LATEST || replicas.length == 0) {
            return readOnPrimary(tenantId, kind, work, span);
        }
        Replica chosen = router.choose(consistency);
        Connection borrowed = null;
        if (chosen == null && kind == ReadConsistency.Kind.CAUSAL) {
            // The cached replay positions are older than the write: ask one replica directly.
            Replica candidate = router.nextAvailable();
            if (candidate != null) {
                borrowed = router.causalCandidate(
                        candidate, consistency.token().orElseThrow().lsn());
                if (borrowed != null) {
                    chosen = candidate;
                }
            }
        }
        if (chosen == null) {
            boolean lagging = router.anyAvailable();
            (lagging ? fallbackLagging : fallbackUnavailable).increment();
            UnitTracing.fallback(span, lagging ? "lagging" : "unavailable");
            return readOnPrimary(tenantId, kind, work, span);
        }
        try {
            UnitTracing.served(span, chosen.name(), false);
            T value = readOn(chosen.pool(), borrowed, chosen.name(), tenantId, work);
            readCounter(chosen.name(), kind).increment();
            return value;
        } catch (SQLException e) {
            if (!SqlErrors.isReplicaFailure(e)) {
                throw SqlErrors.map(e, tenantId, chosen.name());
            }
            if (SqlErrors.isConnectionFailure(e) && chosen.markOut("failed during a read: " + e.getMessage())) {
                LOG.warn(
                        "{} - out of rotation: failed during a read ({}); reads go to the primary until it "
                                + "answers again",
                        chosen.name(),
                        e.getMessage());
            }
            fallbackFailed.increment();
            UnitTracing.fallback(span, "failed");
            return readOnPrimary(tenantId, kind, work, span);
        }
    }

    private <T extends @Nullable Object> T readOnPrimary(
            @Nullable UUID tenantId, ReadConsistency.Kind kind, Work<T> work, @Nullable Span span) {
        UnitTracing.served(span, primaryName, true);
        try {
            T value = readOn(primary, null, primaryName, tenantId, work);
            readCounter(primaryName, kind).increment();
            return value;
        } catch (SQLException e) {
            throw SqlErrors.map(e, tenantId, primaryName);
        }
    }

    private <T extends @Nullable Object> T readOn(
            DataSource pool, @Nullable Connection borrowed, String target, @Nullable UUID tenantId, Work<T> work)
            throws SQLException {
        Connection c = borrowed != null ? borrowed : pool.getConnection();
        JdbcHandle h = JdbcHandle.readOnly(c, tenantId, target, singleSyncSafe);
        try {
            T value = work.run(h);
            h.finishRead();
            return value;
        } catch (SQLException | RuntimeException | Error e) {
            h.rollbackQuietly();
            throw e;
        } finally {
            h.close();
            closeQuietly(c);
        }
    }

    private Connection replicaConnection() throws SQLException {
        ensureOpen();
        Replica r = router.choose(ReadConsistency.replica());
        if (r == null) {
            if (replicas.length > 0) {
                (router.anyAvailable() ? fallbackLagging : fallbackUnavailable).increment();
            }
            return primary.getConnection();
        }
        try {
            return r.pool().getConnection();
        } catch (SQLException e) {
            if (r.markOut("failed to give a connection: " + e.getMessage())) {
                LOG.warn("{} - out of rotation: failed to give a connection ({})", r.name(), e.getMessage());
            }
            fallbackFailed.increment();
            return primary.getConnection();
        }
    }

    /**
     * Health checks to register with the service's health registry: the primary (critical: a failure
     * makes readiness DOWN) and each replica (non-critical: a failure makes it DEGRADED). The checks
     * carry no timeout of their own: the registry's timeout ({@code PLATFORM_HEALTH_TIMEOUT}, 2 s by
     * default) bounds them, so readiness answers within it even with the primary and every replica
     * stopped (a check blocked on a dead server is reported DOWN when the registry's timeout passes).
     * Set {@code PLATFORM_HEALTH_TIMEOUT=800ms} to answer Kubernetes' default 1 s probe timeout.
     *
     * @return the checks, in order primary then replicas
     */
    public List<HealthCheck> healthChecks() {
        return healthChecks;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(config.name() + " - DatabaseManager is closed");
        }
    }

    private static void closeQuietly(@Nullable Scope scope) {
        if (scope != null) {
            scope.close();
        }
    }

    private static void closeQuietly(@Nullable Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a pooled connection failed", e);
        }
    }

    /** Stops the replica monitor, closes every pool and removes this manager's meters. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (monitor != null) {
            monitor.close();
        }
        for (Replica r : replicas) {
            r.pool().close();
        }
        primary.close();
        meters.forEach(config.meterRegistry()::remove);
        LOG.info("{} - closed", config.name());
    }

    @Override
    public String toString() {
        return "DatabaseManager{" + config.name() + ", primary=" + primaryName + ", replicas=" + replicas.length + '}';
    }
}
