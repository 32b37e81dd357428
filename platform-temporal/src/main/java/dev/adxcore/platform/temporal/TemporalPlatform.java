package dev.adxcore.platform.temporal;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.temporal.internal.PermissionCheckers;
import dev.adxcore.platform.temporal.internal.PlatformContextPropagator;
import dev.adxcore.platform.temporal.internal.PlatformWorkerInterceptor;
import dev.adxcore.platform.temporal.internal.TemplateActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The platform's wiring for SDK objects a team builds itself, typically a {@code TestWorkflowEnvironment}
 * in tests: the context propagator for the client, the interceptor for the worker factory, and the
 * template's own activities for a worker. {@link TemporalConnection} and {@link TemporalWorkerRunner} use
 * the same wiring. Stateless.
 *
 * <pre>{@code
 * TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
 *         .setWorkflowClientOptions(TemporalPlatform.clientOptions().build())
 *         .setWorkerFactoryOptions(TemporalPlatform.workerFactoryOptions().build())
 *         .build());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TemporalPlatform {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private TemporalPlatform() {
    }

    /**
     * Client options carrying the platform {@code ContextPropagator} (the SDK uses the client's
     * propagators in the workers built on that client too). Add namespace, identity and so on.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static WorkflowClientOptions.Builder clientOptions() {
        return WorkflowClientOptions.newBuilder().setContextPropagators(List.of(PlatformContextPropagator.INSTANCE));
    }

    /**
     * Worker factory options carrying the platform interceptor, which clears the context and its MDC
     * keys from activity threads after every task.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static WorkerFactoryOptions.Builder workerFactoryOptions() {
        return WorkerFactoryOptions.newBuilder().setWorkerInterceptors(PlatformWorkerInterceptor.INSTANCE);
    }

    /**
     * Whether a client carries the platform context propagator.
     *
     * @param client the client
     * @return {@code true} when built from {@link #clientOptions()}
     * @since 0.1.0
     */
    public static boolean isConfigured(WorkflowClient client) {
        List<?> propagators = client.getOptions().getContextPropagators();
        return propagators != null && propagators.contains(PlatformContextPropagator.INSTANCE);
    }

    /**
     * Registers the template's permission and publication activities on a worker that runs
     * {@link StandardWorkflow} workflows.
     *
     * @param worker the worker, not yet started
     * @param eventBus where completion, failure and cancellation events are published
     * @param permissionCheckers the checkers; when none are given, those found with
     *     {@link java.util.ServiceLoader} are used; when there are none at all, every operation is denied
     * @throws NullPointerException when an argument is null
     * @since 0.1.0
     */
    public static void registerTemplateActivities(Worker worker, EventBus eventBus,
            PermissionChecker... permissionCheckers) {
        Objects.requireNonNull(worker, "worker");
        worker.registerActivitiesImplementations(new TemplateActivitiesImpl(eventBus,
                PermissionCheckers.resolve(List.of(permissionCheckers)), PUBLISH_TIMEOUT));
    }
}
