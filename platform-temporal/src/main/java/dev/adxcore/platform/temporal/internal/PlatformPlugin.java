package dev.adxcore.platform.temporal.internal;

import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.SimplePlugin;
import io.temporal.common.context.ContextPropagator;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SDK plugin (an experimental SDK API in 1.38) that puts the platform wiring wherever a client built from
 * {@code TemporalPlatform.clientOptions()} goes: the {@link PlatformContextPropagator} and the client side of
 * {@link TracingInterceptors} on the client, and the {@link PlatformWorkerInterceptor} with the worker side of
 * {@link TracingInterceptors} inside it on every {@code WorkerFactory} built on that client, a
 * {@code TestWorkflowEnvironment}'s included. Each is added only when it is not there yet. Stateless and
 * thread-safe; it runs once per client or worker factory built, so its cost is negligible.
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
        WorkflowClientInterceptor[] interceptors = builder.build().getInterceptors();
        List<WorkflowClientInterceptor> clientInterceptors =
                interceptors == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(interceptors));
        if (!clientInterceptors.contains(TracingInterceptors.CLIENT)) {
            clientInterceptors.add(TracingInterceptors.CLIENT);
            builder.setInterceptors(clientInterceptors.toArray(WorkflowClientInterceptor[]::new));
        }
    }

    @Override
    public void configureWorkerFactory(WorkerFactoryOptions.Builder builder) {
        WorkerInterceptor[] existing = builder.build().getWorkerInterceptors();
        List<WorkerInterceptor> interceptors =
                existing == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(existing));
        boolean changed = false;
        // The SDK wraps in list order, so the last is outermost: tracing goes before (inside) the platform
        // interceptor, whose context binding it then sees.
        if (!interceptors.contains(TracingInterceptors.WORKER)) {
            int platform = interceptors.indexOf(PlatformWorkerInterceptor.INSTANCE);
            interceptors.add(platform < 0 ? interceptors.size() : platform, TracingInterceptors.WORKER);
            changed = true;
        }
        if (!interceptors.contains(PlatformWorkerInterceptor.INSTANCE)) {
            interceptors.add(PlatformWorkerInterceptor.INSTANCE);
            changed = true;
        }
        if (changed) {
            builder.setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new));
        }
    }
}
