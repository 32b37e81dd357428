package dev.adxcore.platform.temporal;

import dev.adxcore.platform.events.EventBus;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Temporal worker for one task queue: registers the team's workflows and activities plus the
 * standard template's own activities, starts polling, and shuts down gracefully — polling stops, tasks
 * already received (in-flight activities included) run to completion for up to the shutdown timeout,
 * and only then are the remaining ones interrupted.
 *
 * <pre>{@code
 * try (TemporalConnection temporal = TemporalConnection.open(TemporalConfig.fromEnvironment().build(), registry);
 *      TemporalWorkerRunner worker = TemporalWorkerRunner.builder(temporal)
 *              .eventBus(bus)
 *              .permissionChecker(checker)
 *              .workflowImplementationTypes(IssueInvoiceWorkflowImpl.class)
 *              .activityImplementations(new InvoiceActivitiesImpl(repository))
 *              .build()) {
 *     worker.start();
 *     ...
 * }
 * }</pre>
 *
 * Thread-safe; start and close once. An expensive resource: once started, its worker factory runs poller and
 * executor threads that hold long-polls open on the connection: one per task queue per process.
 *
 * @since 0.1.0
 */
public final class TemporalWorkerRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TemporalWorkerRunner.class);

    private final WorkerFactory factory;
    private final String taskQueue;
    private final String namespace;
    private final Duration shutdownTimeout;
    private final int workflowTypes;
    private final int activityImplementations;
    private volatile boolean started;
    private volatile boolean closed;

    private TemporalWorkerRunner(Builder b, EventBus bus) {
        this.taskQueue = b.taskQueue;
        this.namespace = b.client.getOptions().getNamespace();
        this.shutdownTimeout = b.shutdownTimeout;
        this.workflowTypes = b.workflowTypes.size();
        this.activityImplementations = b.activities.size();
        this.factory = WorkerFactory.newInstance(
                b.client, TemporalPlatform.workerFactoryOptions().build());
        Worker worker =
                b.workerOptions == null ? factory.newWorker(taskQueue) : factory.newWorker(taskQueue, b.workerOptions);
        if (!b.workflowTypes.isEmpty()) {
            worker.registerWorkflowImplementationTypes(b.workflowTypes.toArray(Class<?>[]::new));
        }
        if (!b.activities.isEmpty()) {
            worker.registerActivitiesImplementations(b.activities.toArray());
        }
        TemporalPlatform.registerTemplateActivities(worker, bus, b.checkers.toArray(PermissionChecker[]::new));
    }

    /**
     * A runner on a connection's client, task queue and shutdown timeout.
     *
     * @param connection the connection
     * @return a builder
     * @since 0.1.0
     */
    public static Builder builder(TemporalConnection connection) {
        return new Builder(connection.client(), connection.config().taskQueue())
                .shutdownTimeout(connection.config().shutdownTimeout());
    }

    /**
     * A runner on any platform-configured client (for example a {@code TestWorkflowEnvironment}'s).
     *
     * @param client a client built with {@link TemporalPlatform#clientOptions()}
     * @param taskQueue the task queue to poll
     * @return a builder
     * @since 0.1.0
     */
    public static Builder builder(WorkflowClient client, String taskQueue) {
        return new Builder(client, taskQueue);
    }

    /**
     * Starts polling.
     *
     * @throws IllegalStateException when already started or closed
     * @since 0.1.0
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(
                    "the worker for task queue " + taskQueue + " was already " + (closed ? "closed" : "started"));
        }
        factory.start();
        started = true;
        log.info(
                "Temporal worker started: namespace {}, task queue {}, {} workflow type(s), {} activity "
                        + "implementation(s)",
                namespace,
                taskQueue,
                workflowTypes,
                activityImplementations);
    }

    /**
     * Whether the worker is polling.
     *
     * @return {@code true} between {@link #start()} and {@link #close()}
     * @since 0.1.0
     */
    public boolean isRunning() {
        return started && !closed;
    }

    /**
     * Graceful shutdown: stops polling, lets tasks already received finish for up to the shutdown
     * timeout, then interrupts what is left. Idempotent.
     *
     * @since 0.1.0
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info(
                "Stopping Temporal worker on task queue {}: waiting up to {} for in-flight tasks...",
                taskQueue,
                shutdownTimeout);
        factory.shutdown();
        factory.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!factory.isTerminated()) {
            log.warn(
                    "Temporal worker on task queue {} still had tasks after {}: interrupting them (Temporal retries "
                            + "them on another worker)",
                    taskQueue,
                    shutdownTimeout);
            factory.shutdownNow();
            factory.awaitTermination(5, TimeUnit.SECONDS);
        }
        log.info("Temporal worker on task queue {} stopped", taskQueue);
    }

    /**
     * Immediate shutdown: interrupts in-flight tasks, which Temporal retries on another worker after
     * their timeouts. Idempotent.
     *
     * @since 0.1.0
     */
    public synchronized void shutdownNow() {
        if (closed) {
            return;
        }
        closed = true;
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
        log.info("Temporal worker on task queue {} stopped immediately", taskQueue);
    }

    /**
     * Builds a {@link TemporalWorkerRunner}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final WorkflowClient client;
        private final String taskQueue;
        private final List<Class<?>> workflowTypes = new ArrayList<>();
        private final List<Object> activities = new ArrayList<>();
        private final List<PermissionChecker> checkers = new ArrayList<>();
        private @Nullable EventBus eventBus;
        private @Nullable WorkerOptions workerOptions;
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder(WorkflowClient client, String taskQueue) {
            this.client = Objects.requireNonNull(client, "client");
            this.taskQueue = taskQueue;
        }

        /**
         * Sets the bus the template publishes its events on. Required.
         *
         * @param eventBus the bus
         * @return this builder
         * @since 0.1.0
         */
        public Builder eventBus(EventBus eventBus) {
            this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
            return this;
        }

        /**
         * Adds a permission checker; with several, all must permit. When none is added, checkers found
         * with {@link java.util.ServiceLoader} are used, and with none at all every operation is denied.
         *
         * @param checker the checker
         * @return this builder
         * @since 0.1.0
         */
        public Builder permissionChecker(PermissionChecker checker) {
            checkers.add(Objects.requireNonNull(checker, "checker"));
            return this;
        }

        /**
         * Adds workflow implementation classes.
         *
         * @param types the classes
         * @return this builder
         * @since 0.1.0
         */
        public Builder workflowImplementationTypes(Class<?>... types) {
            for (Class<?> type : types) {
                workflowTypes.add(Objects.requireNonNull(type, "type"));
            }
            return this;
        }

        /**
         * Adds activity implementations (each class must declare its {@code @ActivityInterface}).
         *
         * @param implementations the activity objects
         * @return this builder
         * @since 0.1.0
         */
        public Builder activityImplementations(Object... implementations) {
            for (Object implementation : implementations) {
                activities.add(Objects.requireNonNull(implementation, "implementation"));
            }
            return this;
        }

        /**
         * Sets SDK worker options (concurrency, rate limits); the SDK defaults otherwise.
         *
         * @param workerOptions the options
         * @return this builder
         * @since 0.1.0
         */
        public Builder workerOptions(WorkerOptions workerOptions) {
            this.workerOptions = Objects.requireNonNull(workerOptions, "workerOptions");
            return this;
        }

        /**
         * Sets how long {@link TemporalWorkerRunner#close()} waits for in-flight tasks.
         *
         * @param shutdownTimeout a positive duration
         * @return this builder
         * @since 0.1.0
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            return this;
        }

        /**
         * Validates and builds the runner (not yet started).
         *
         * @return the runner
         * @throws IllegalArgumentException when the client lacks the platform propagator, the task queue is
         *     blank, the shutdown timeout is not positive, or a registration is rejected by the SDK
         * @throws IllegalStateException when no event bus is set
         * @since 0.1.0
         */
        public TemporalWorkerRunner build() {
            if (!TemporalPlatform.isConfigured(client)) {
                throw new IllegalArgumentException("the WorkflowClient has no platform ContextPropagator, so workflows "
                        + "and activities would run without their PlatformContext: build it with "
                        + "TemporalPlatform.clientOptions() or use TemporalConnection");
            }
            if (taskQueue == null || taskQueue.isBlank()) {
                throw new IllegalArgumentException("taskQueue must not be blank (was '" + taskQueue + "')");
            }
            if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout must be > 0 (was " + shutdownTimeout + ")");
            }
            if (eventBus == null) {
                throw new IllegalStateException("eventBus must be set: template workflows publish their completion "
                        + "events on it (EventBuses.open(URI.create(\"memory:/\")) for local runs)");
            }
            return new TemporalWorkerRunner(this, eventBus);
        }
    }
}
