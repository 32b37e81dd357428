package dev.adxcore.platform.observability.health;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.observability.internal.NamedThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link HealthCheck}s and aggregates their results into health, readiness and liveness reports.
 *
 * <pre>{@code
 * try (HealthRegistry health = HealthRegistry.builder().build()) {     // also finds ServiceLoader checks
 *     health.registerAll(databaseManager.healthChecks());
 *     health.register(HealthCheck.nonCritical("cache", () -> ping(cache)));
 *     HealthReport ready = health.readiness();                        // never waits longer than the timeouts
 * }
 * }</pre>
 *
 * <p><b>Never hangs.</b> Checks run in parallel on the registry's own daemon threads, each bounded by its
 * timeout ({@link HealthCheck#timeout()}, else {@link Builder#defaultTimeout(Duration)}, 2 s by default).
 * A check that does not return in time is reported {@link HealthStatus#DOWN} with
 * {@code "timed out after 2s"} and its thread is interrupted; the report still returns on time. A check
 * that throws or returns {@code null} is DOWN with the reason. A check that ignores the interruption is
 * not started again until its previous run returns, so a stuck check costs one thread, not one per probe.
 *
 * <p><b>No pile-ups.</b> Each check's result is cached for {@link Builder#cacheTtl(Duration)} (1 s by
 * default), and concurrent probes that find a check already running share that run instead of starting
 * another.
 *
 * <p><b>Liveness vs readiness.</b> {@link #liveness()} contains only checks whose
 * {@link HealthCheck#isLiveness()} is true (the process itself) and is UP when there are none; external
 * dependencies therefore never fail liveness. {@link #readiness()} contains every other check (the
 * dependencies). {@link #health()} contains all checks.
 *
 * <p><b>Logging.</b> A check that changes status, or that becomes slower than
 * {@link Builder#slowThreshold(Duration)}, is logged once at the change (WARN when it gets worse, INFO when
 * it recovers), not on every probe.
 *
 * <p>Thread-safe. Holds threads: create one per service and {@link #close()} it on shutdown.
 *
 * @since 0.1.0
 */
public final class HealthRegistry implements AutoCloseable {

    /** Environment variable for {@link Builder#defaultTimeout(Duration)}, for example {@code 2s}. */
    public static final String ENV_TIMEOUT = "PLATFORM_HEALTH_TIMEOUT";
    /** Environment variable for {@link Builder#cacheTtl(Duration)}, for example {@code 1s}. */
    public static final String ENV_CACHE_TTL = "PLATFORM_HEALTH_CACHE_TTL";
    /** Environment variable for {@link Builder#slowThreshold(Duration)}, for example {@code 500ms}. */
    public static final String ENV_SLOW_THRESHOLD = "PLATFORM_HEALTH_SLOW_THRESHOLD";

    private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);
    private static final int HEALTH = 0;
    private static final int READINESS = 1;
    private static final int LIVENESS = 2;

    private final Duration defaultTimeout;
    private final long cacheTtlNanos;
    private final Duration slowThreshold;
    private final ConcurrentSkipListMap<String, Entry> checks = new ConcurrentSkipListMap<>();
    private final ThreadPoolExecutor runners;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicReferenceArray<@Nullable Combined> shared = new AtomicReferenceArray<>(3);
    private volatile boolean closed;

    private HealthRegistry(Builder b) {
        this.defaultTimeout = b.defaultTimeout;
        this.cacheTtlNanos = b.cacheTtl.toNanos();
        this.slowThreshold = b.slowThreshold;
        // Unbounded in principle, bounded in practice: a check never has more than one run in flight.
        this.runners = new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                new NamedThreadFactory("platform-health"));
        this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("platform-health-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts configuring a registry.
     *
     * @return a builder with the defaults (timeout 2 s, cache 1 s, slow threshold 1 s, ServiceLoader on)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled from {@code PLATFORM_HEALTH_TIMEOUT}, {@code PLATFORM_HEALTH_CACHE_TTL} and
     * {@code PLATFORM_HEALTH_SLOW_THRESHOLD} (environment variables or the matching system properties, read
     * through platform-core's {@link Settings}: {@code 500ms}, {@code 2s}, {@code 1m}, {@code PT2S}); unset
     * settings keep the defaults.
     *
     * @return a builder
     * @throws IllegalArgumentException when a setting is not a duration
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(Settings.fromEnvironment());
    }

    /**
     * Like {@link #fromEnvironment()}, reading the given settings instead of the process environment.
     *
     * @param settings where to read {@code PLATFORM_HEALTH_*}
     * @return a builder
     * @throws IllegalArgumentException when a setting is not a duration
     */
    public static Builder fromEnvironment(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        Builder b = builder();
        settings.duration(ENV_TIMEOUT).ifPresent(b::defaultTimeout);
        settings.duration(ENV_CACHE_TTL).ifPresent(b::cacheTtl);
        settings.duration(ENV_SLOW_THRESHOLD).ifPresent(b::slowThreshold);
        return b;
    }

    /**
     * Adds a check.
     *
     * @param check the check; its name must be non-blank and not yet registered
     * @throws IllegalArgumentException when the name is blank or already registered, or the check's own
     *         timeout is not positive
     * @throws IllegalStateException when the registry is closed
     */
    public void register(HealthCheck check) {
        Objects.requireNonNull(check, "check");
        if (closed) {
            throw new IllegalStateException("HealthRegistry is closed; cannot register '" + check.name() + "'");
        }
        String name = check.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("health check name must not be blank (was "
                    + (name == null ? "null" : "'" + name + "'") + ") for " + check);
        }
        Duration timeout = check.timeout().orElse(defaultTimeout);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout of health check '" + name + "' must be > 0 (was " + timeout
                    + "); return Optional.empty() from timeout() to use the registry default");
        }
        if (checks.putIfAbsent(name, new Entry(check, name, timeout)) != null) {
            throw new IllegalArgumentException(
                    "a health check named '" + name + "' is already registered; give each check a unique name");
        }
        log.debug(
                "Registered health check '{}' (critical={}, liveness={}, timeout={})",
                name,
                check.isCritical(),
                check.isLiveness(),
                Settings.formatDuration(timeout));
    }

    /**
     * Adds several checks, in order; stops at the first invalid one (the earlier ones stay registered).
     *
     * @param checks the checks
     * @throws IllegalArgumentException as {@link #register(HealthCheck)}
     */
    public void registerAll(Collection<? extends HealthCheck> checks) {
        Objects.requireNonNull(checks, "checks");
        for (HealthCheck c : checks) {
            register(c);
        }
    }

    /**
     * Removes a check; its in-flight run, if any, is left to finish or time out.
     *
     * @param name the check's name
     * @return true when a check was removed
     */
    public boolean unregister(String name) {
        return checks.remove(Objects.requireNonNull(name, "name")) != null;
    }

    /**
     * The names of the registered checks, sorted.
     *
     * @return an immutable snapshot
     */
    public Set<String> names() {
        return Set.copyOf(checks.keySet());
    }

    /**
     * Runs (or reuses cached results of) every check.
     *
     * @return the report; returned within the longest check timeout
     */
    public HealthReport health() {
        return await(HEALTH, select(e -> true));
    }

    /**
     * Runs (or reuses cached results of) every check that is not a liveness check: the dependencies.
     *
     * @return the readiness report (UP when there are no such checks)
     */
    public HealthReport readiness() {
        return await(READINESS, select(e -> !e.liveness));
    }

    /**
     * Runs (or reuses cached results of) the liveness checks only; external dependencies never take part.
     *
     * @return the liveness report (UP when there are no liveness checks)
     */
    public HealthReport liveness() {
        return await(LIVENESS, select(e -> e.liveness));
    }

    /**
     * Like {@link #health()} without blocking the caller.
     *
     * @return a future that completes (normally) within the longest check timeout
     */
    public CompletableFuture<HealthReport> healthAsync() {
        return combine(HEALTH, select(e -> true)).copy();
    }

    /**
     * Like {@link #readiness()} without blocking the caller.
     *
     * @return a future that completes (normally) within the longest check timeout
     */
    public CompletableFuture<HealthReport> readinessAsync() {
        return combine(READINESS, select(e -> !e.liveness)).copy();
    }

    /**
     * Like {@link #liveness()} without blocking the caller.
     *
     * @return a future that completes (normally) within the longest check timeout
     */
    public CompletableFuture<HealthReport> livenessAsync() {
        return combine(LIVENESS, select(e -> e.liveness)).copy();
    }

    /**
     * The easy path: every check's status by name (sorted), as {@link #health()} sees it.
     *
     * @return an unmodifiable map from check name to status
     */
    public Map<String, HealthStatus> checkAll() {
        Map<String, HealthStatus> statuses = new LinkedHashMap<>();
        health().checks().forEach((name, result) -> statuses.put(name, result.status()));
        return Collections.unmodifiableMap(statuses);
    }

    /** Stops the registry's threads, interrupting running checks; checks that would run afterwards report DOWN. */
    @Override
    public void close() {
        closed = true;
        runners.shutdownNow();
        timer.shutdownNow();
    }

    private Map<Entry, CompletableFuture<HealthResult>> select(Predicate<Entry> filter) {
        Map<Entry, CompletableFuture<HealthResult>> selected = new LinkedHashMap<>();
        for (Entry e : checks.values()) {
            if (filter.test(e)) {
                selected.put(e, e.result());
            }
        }
        return selected;
    }

    /**
     * One report future per set of runs: concurrent probes that see the same runs (the same in-flight or
     * cached results) share one report instead of building one each, which keeps a probe storm cheap.
     */
    private CompletableFuture<HealthReport> combine(int kind, Map<Entry, CompletableFuture<HealthResult>> runs) {
        Combined previous = shared.get(kind);
        if (previous != null && previous.sameRuns(runs)) {
            return previous.report;
        }
        CompletableFuture<HealthReport> report = CompletableFuture.allOf(
                        runs.values().toArray(new CompletableFuture<?>[0]))
                .handle((ignored, error) -> report(runs));
        shared.set(kind, new Combined(runs, report));
        return report;
    }

    private HealthReport await(int kind, Map<Entry, CompletableFuture<HealthResult>> runs) {
        long longest = 0;
        for (Entry e : runs.keySet()) {
            longest = Math.max(longest, e.timeout.toNanos());
        }
        try {
            // Every run completes by its own deadline (the timer sees to it); the margin only guards
            // against a registry closed mid-probe.
            return combine(kind, runs).get(longest + TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported per check below
        }
        return report(runs);
    }

    private static HealthReport report(Map<Entry, CompletableFuture<HealthResult>> runs) {
        Map<String, HealthResult> results = new LinkedHashMap<>();
        Set<String> nonCritical = new HashSet<>();
        for (Map.Entry<Entry, CompletableFuture<HealthResult>> run : runs.entrySet()) {
            Entry e = run.getKey();
            HealthResult r = run.getValue().getNow(null);
            if (r == null) {
                r = HealthResult.down("timed out after " + Settings.formatDuration(e.timeout))
                        .withDuration(e.timeout);
            }
            results.put(e.name, r);
            if (!e.critical) {
                nonCritical.add(e.name);
            }
        }
        return new HealthReport(results, nonCritical);
    }

    @Override
    public String toString() {
        return "HealthRegistry{checks=" + checks.keySet() + ", defaultTimeout="
                + Settings.formatDuration(defaultTimeout)
                + ", cacheTtl=" + Settings.formatDuration(Duration.ofNanos(cacheTtlNanos)) + ", slowThreshold="
                + Settings.formatDuration(slowThreshold) + '}';
    }

    /** A report being (or already) built from a given set of runs. */
    private static final class Combined {
        final Entry[] entries;
        final CompletableFuture<?>[] runs;
        final CompletableFuture<HealthReport> report;

        Combined(Map<Entry, CompletableFuture<HealthResult>> runs, CompletableFuture<HealthReport> report) {
            this.entries = runs.keySet().toArray(new Entry[0]);
            this.runs = runs.values().toArray(new CompletableFuture<?>[0]);
            this.report = report;
        }

        boolean sameRuns(Map<Entry, CompletableFuture<HealthResult>> other) {
            if (other.size() != runs.length) {
                return false;
            }
            int i = 0;
            for (Map.Entry<Entry, CompletableFuture<HealthResult>> e : other.entrySet()) {
                if (e.getKey() != entries[i] || e.getValue() != runs[i]) {
                    return false;
                }
                i++;
            }
            return true;
        }
    }

    /** One registered check: its cache, its in-flight run and what was last logged about it. */
    private final class Entry {
        final HealthCheck check;
        final String name;
        final Duration timeout;
        final boolean critical;
        final boolean liveness;
        private final Object lock = new Object();
        // guarded by lock
        private @Nullable CompletableFuture<HealthResult> inFlight;
        private @Nullable CompletableFuture<HealthResult> lastFuture;
        private long lastCompletedAt;
        private @Nullable HealthStatus loggedStatus;
        private boolean loggedSlow;
        // set by the runner thread while the check's code executes (even after its run timed out)
        private volatile long runningSince;

        Entry(HealthCheck check, String name, Duration timeout) {
            this.check = check;
            this.name = name;
            this.timeout = timeout;
            this.critical = check.isCritical();
            this.liveness = check.isLiveness();
        }

        CompletableFuture<HealthResult> result() {
            long now = System.nanoTime();
            synchronized (lock) {
                if (inFlight != null) {
                    return inFlight;
                }
                if (lastFuture != null && now - lastCompletedAt < cacheTtlNanos) {
                    return lastFuture;
                }
                long since = runningSince;
                if (since != 0) {
                    // The previous run timed out and its code ignores interruption: do not start another.
                    HealthResult stuck = HealthResult.down("timed out after " + Settings.formatDuration(timeout)
                                    + "; the previous run has not returned for "
                                    + Settings.formatDuration(
                                            Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(now - since))))
                            .withDuration(timeout);
                    lastFuture = CompletableFuture.completedFuture(stuck);
                    lastCompletedAt = now;
                    return lastFuture;
                }
                CompletableFuture<HealthResult> run = new CompletableFuture<>();
                inFlight = run;
                start(run);
                return run;
            }
        }

        // called with lock held; never throws
        private void start(CompletableFuture<HealthResult> run) {
            long started = System.nanoTime();
            if (closed) {
                settle(run, HealthResult.down("health registry is closed"));
                return;
            }
            Future<?> task;
            try {
                task = runners.submit(() -> execute(run, started));
            } catch (RejectedExecutionException e) {
                settle(run, HealthResult.down("health registry is closed"));
                return;
            }
            try {
                ScheduledFuture<?> deadline = timer.schedule(
                        () -> {
                            if (settle(
                                    run,
                                    HealthResult.down("timed out after " + Settings.formatDuration(timeout))
                                            .withDuration(timeout))) {
                                task.cancel(true);
                            }
                        },
                        timeout.toNanos(),
                        TimeUnit.NANOSECONDS);
                run.whenComplete((r, error) -> deadline.cancel(false));
            } catch (RejectedExecutionException e) {
                task.cancel(true);
                settle(run, HealthResult.down("health registry is closed"));
            }
        }

        private void execute(CompletableFuture<HealthResult> run, long started) {
            if (run.isDone()) {
                return;
            }
            runningSince = started;
            HealthResult result;
            try {
                HealthResult r = check.check();
                result = r == null ? HealthResult.down("check returned null") : r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = HealthResult.down("interrupted");
            } catch (Throwable t) {
                result = HealthResult.down(t);
                if (t instanceof VirtualMachineError vme) {
                    runningSince = 0;
                    settle(run, result.withDuration(Duration.ofNanos(System.nanoTime() - started)));
                    throw vme;
                }
            }
            // Cleared before settling, so that a probe arriving right after sees a finished check.
            runningSince = 0;
            settle(run, result.withDuration(Duration.ofNanos(System.nanoTime() - started)));
        }

        /**
         * Records the outcome of {@code run} (cache, logs) and then completes it, so that a probe that sees
         * the result also sees its bookkeeping. Only the first outcome of a run counts.
         */
        private boolean settle(CompletableFuture<HealthResult> run, HealthResult result) {
            HealthStatus previous;
            boolean wasSlow;
            boolean slow = result.duration().compareTo(slowThreshold) >= 0;
            synchronized (lock) {
                if (inFlight != run) {
                    return false;
                }
                inFlight = null;
                lastFuture = run;
                lastCompletedAt = System.nanoTime();
                previous = loggedStatus;
                wasSlow = loggedSlow;
                loggedStatus = result.status();
                loggedSlow = slow;
            }
            try {
                logChanges(result, previous, wasSlow, slow);
            } finally {
                run.complete(result);
            }
            return true;
        }

        private void logChanges(HealthResult result, @Nullable HealthStatus previous, boolean wasSlow, boolean slow) {
            HealthStatus now = result.status();
            String reason = result.error().orElse("");
            if (previous == null) {
                if (now == HealthStatus.UP) {
                    log.debug("Health check '{}' is UP", name);
                } else {
                    log.warn("Health check '{}' is {}: {}", name, now, reason);
                }
            } else if (previous != now) {
                if (now.compareTo(previous) > 0) {
                    log.warn("Health check '{}' is now {} (was {}): {}", name, now, previous, reason);
                } else {
                    log.info(
                            "Health check '{}' is now {} (was {}){}",
                            name,
                            now,
                            previous,
                            reason.isEmpty() ? "" : ": " + reason);
                }
            }
            if (slow && !wasSlow) {
                log.warn(
                        "Health check '{}' is slow: took {} ms (slowThreshold {})",
                        name,
                        TimeUnit.NANOSECONDS.toMillis(result.duration().toNanos()),
                        Settings.formatDuration(slowThreshold));
            } else if (!slow && wasSlow) {
                log.info(
                        "Health check '{}' is no longer slow: took {} ms",
                        name,
                        TimeUnit.NANOSECONDS.toMillis(result.duration().toNanos()));
            }
        }
    }

    /**
     * Configures a {@link HealthRegistry}. Not thread-safe; {@link #build()} validates and may be called
     * more than once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private Duration defaultTimeout = Duration.ofSeconds(2);
        private Duration cacheTtl = Duration.ofSeconds(1);
        private Duration slowThreshold = Duration.ofSeconds(1);
        private boolean discoverServiceLoaderChecks = true;
        private final List<HealthCheck> initial = new ArrayList<>();

        private Builder() {}

        /**
         * How long a check may run before it is reported DOWN; a check's own {@link HealthCheck#timeout()}
         * overrides it.
         *
         * @param defaultTimeout a positive duration; default 2 s
         * @return this builder
         */
        public Builder defaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            return this;
        }

        /**
         * How long a check's result is reused before the check runs again.
         *
         * @param cacheTtl zero or positive; default 1 s; zero disables caching (concurrent probes still
         *        share a run in flight)
         * @return this builder
         */
        public Builder cacheTtl(Duration cacheTtl) {
            this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
            return this;
        }

        /**
         * A check that takes at least this long is logged as slow (once, when it becomes slow).
         *
         * @param slowThreshold a positive duration; default 1 s
         * @return this builder
         */
        public Builder slowThreshold(Duration slowThreshold) {
            this.slowThreshold = Objects.requireNonNull(slowThreshold, "slowThreshold");
            return this;
        }

        /**
         * Whether {@link #build()} registers the checks listed for {@link ServiceLoader} (implementations of
         * {@link HealthCheck} with a public no-argument constructor).
         *
         * @param discover default true
         * @return this builder
         */
        public Builder discoverServiceLoaderChecks(boolean discover) {
            this.discoverServiceLoaderChecks = discover;
            return this;
        }

        /**
         * Registers a check as soon as the registry is built.
         *
         * @param check the check
         * @return this builder
         */
        public Builder check(HealthCheck check) {
            initial.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Validates the settings and creates the registry.
         *
         * @return a new registry; close it on shutdown
         * @throws IllegalArgumentException naming the bad setting, or a duplicate or blank check name
         */
        public HealthRegistry build() {
            if (defaultTimeout.isZero() || defaultTimeout.isNegative()) {
                throw new IllegalArgumentException("defaultTimeout must be > 0 (was " + defaultTimeout
                        + "); use a positive duration such as Duration.ofSeconds(2)");
            }
            if (cacheTtl.isNegative()) {
                throw new IllegalArgumentException(
                        "cacheTtl must be >= 0 (was " + cacheTtl + "); use Duration.ZERO to disable caching");
            }
            if (slowThreshold.isZero() || slowThreshold.isNegative()) {
                throw new IllegalArgumentException("slowThreshold must be > 0 (was " + slowThreshold
                        + "); use a positive duration such as Duration.ofMillis(500)");
            }
            HealthRegistry registry = new HealthRegistry(this);
            try {
                registry.registerAll(initial);
                if (discoverServiceLoaderChecks) {
                    for (HealthCheck c : discover()) {
                        registry.register(c);
                    }
                }
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        }

        private static List<HealthCheck> discover() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = HealthRegistry.class.getClassLoader();
            }
            List<HealthCheck> found = new ArrayList<>();
            var it = ServiceLoader.load(HealthCheck.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    HealthCheck c = it.next();
                    found.add(c);
                    log.debug(
                            "Discovered health check '{}' ({})",
                            c.name(),
                            c.getClass().getName());
                } catch (ServiceConfigurationError e) {
                    log.warn("Skipping a ServiceLoader health check that could not be loaded: {}", e.toString());
                }
            }
            return found;
        }
    }
}
