package dev.adxcore.platform.temporal;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.temporal.internal.PermissionCheckers;
import dev.adxcore.platform.temporal.internal.PlatformContextPropagator;
import dev.adxcore.platform.temporal.internal.PlatformPlugin;
import dev.adxcore.platform.temporal.internal.PlatformWorkerInterceptor;
import dev.adxcore.platform.temporal.internal.TemplateActivitiesImpl;
import dev.adxcore.platform.temporal.internal.TracingInterceptors;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The platform's wiring for SDK objects a team builds itself, typically a {@code TestWorkflowEnvironment} in tests:
 * the client options that carry the {@link dev.adxcore.platform.core.PlatformContext} in Temporal headers and bind it
 * on workers, and the template's own activities for a worker. {@link TemporalConnection} and
 * {@link TemporalWorkerRunner} use the same wiring. Stateless and thread-safe; each call is cheap (it builds new
 * options objects and connects nothing).
 *
 * <pre>{@code
 * TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
 *         .setWorkflowClientOptions(TemporalPlatform.clientOptions().build())   // client and its workers
 *         .build());
 * }</pre>
 *
 * <p>Two pieces make the context work: the context propagator on the client (it writes the bound context into the
 * headers of what the client starts, and the SDK hands it to the workers built on that client), and the worker
 * interceptor on the worker factory (it binds the context around workflow and activity code with platform-core's
 * scopes, so pooled threads are left clean). {@link #clientOptions()} brings both: its SDK plugin adds the
 * interceptor to every worker factory built on the client. Without the interceptor workflows and activities run
 * with no context, so template workflows fail their workflow task with a message naming the fix.
 *
 * <p>Both also bring OpenTelemetry spans (through the OTel API: a no-op unless the application installs an SDK or
 * the agent): {@code StartWorkflow}/{@code SignalWorkflow} on the client, {@code RunWorkflow} and
 * {@code RunActivity} on workers, {@code StartActivity}/{@code StartChildWorkflow}/{@code SignalExternalWorkflow}
 * from workflow code, none while a workflow replays; the span context travels in the {@code _tracer-data} header.
 *
 * @since 0.1.0
 */
public final class TemporalPlatform {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private TemporalPlatform() {}

    /**
     * Client options carrying the platform's context propagator and its SDK plugin, which puts the platform's worker
     * interceptor on every worker factory built on the client. Add namespace, identity and so on; when you set your
     * own propagators or plugins, the platform's are added back when the client is built, as long as this builder's
     * plugin is kept ({@code setPlugins(...)} replaces it: then use {@link #workerFactoryOptions()} for workers).
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static WorkflowClientOptions.Builder clientOptions() {
        return WorkflowClientOptions.newBuilder()
                .setContextPropagators(List.of(PlatformContextPropagator.INSTANCE))
                .setInterceptors(TracingInterceptors.CLIENT)
                .setPlugins(PlatformPlugin.INSTANCE);
    }

    /**
     * Worker factory options carrying the platform interceptor, which binds the context around workflow and
     * activity code. Needed only for worker factories on a client that lacks the plugin of {@link #clientOptions()};
     * with both, the interceptor is installed once.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static WorkerFactoryOptions.Builder workerFactoryOptions() {
        return WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(TracingInterceptors.WORKER, PlatformWorkerInterceptor.INSTANCE);
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
    public static void registerTemplateActivities(
            Worker worker, EventBus eventBus, PermissionChecker... permissionCheckers) {
        Objects.requireNonNull(worker, "worker");
        worker.registerActivitiesImplementations(new TemplateActivitiesImpl(
                eventBus, PermissionCheckers.resolve(List.of(permissionCheckers)), PUBLISH_TIMEOUT));
    }
}
