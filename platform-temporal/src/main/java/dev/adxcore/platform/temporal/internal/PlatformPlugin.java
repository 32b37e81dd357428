package dev.adxcore.platform.temporal.internal;

import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.SimplePlugin;
import io.temporal.common.context.ContextPropagator;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SDK plugin (an experimental SDK API in 1.38) that puts the platform wiring wherever a client built from
 * {@code TemporalPlatform.clientOptions()} goes: the {@link PlatformContextPropagator} on the client, and the
 * {@link PlatformWorkerInterceptor} on every {@code WorkerFactory} built on that client, a
 * {@code TestWorkflowEnvironment}'s included. Each is added only when it is not there yet. Stateless.
 */
public final class PlatformPlugin extends SimplePlugin {

    /** The plugin's name. */
    public static final String NAME = "dev.adxcore.platform.temporal";

    /** The shared instance. */
    public static final PlatformPlugin INSTANCE = new PlatformPlugin();

    private PlatformPlugin() {
        super(NAME);
    }

    @Override
    public void configureWorkflowClient(WorkflowClientOptions.Builder builder) {
        List<ContextPropagator> existing = builder.build().getContextPropagators();
        if (existing == null || !existing.contains(PlatformContextPropagator.INSTANCE)) {
            List<ContextPropagator> propagators = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
            propagators.add(PlatformContextPropagator.INSTANCE);
            builder.setContextPropagators(propagators);
        }
    }

    @Override
    public void configureWorkerFactory(WorkerFactoryOptions.Builder builder) {
        WorkerInterceptor[] existing = builder.build().getWorkerInterceptors();
        List<WorkerInterceptor> interceptors = existing == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(existing));
        if (!interceptors.contains(PlatformWorkerInterceptor.INSTANCE)) {
            interceptors.add(PlatformWorkerInterceptor.INSTANCE);
            builder.setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new));
        }
    }
}
