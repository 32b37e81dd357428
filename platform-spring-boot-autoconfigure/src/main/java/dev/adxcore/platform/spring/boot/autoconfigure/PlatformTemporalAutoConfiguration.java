package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.HealthContribution;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.OnTemporalConfigured;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.Props;
import dev.adxcore.platform.spring.boot.autoconfigure.internal.WorkerLifecycle;
import dev.adxcore.platform.temporal.PermissionChecker;
import dev.adxcore.platform.temporal.TemplateClient;
import dev.adxcore.platform.temporal.TemporalConfig;
import dev.adxcore.platform.temporal.TemporalConnection;
import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.activity.ActivityInterface;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Temporal (platform-temporal on the classpath, and {@code platform.temporal.target} set or
 * {@code platform.temporal.embedded=true}): the {@link TemporalConnection} with SDK metrics on the application's
 * {@link MeterRegistry}, its {@link WorkflowClient} and {@link TemplateClient}, and a {@link TemporalWorkerRunner}
 * that registers the workflow types ({@link TemporalWorkflowTypes} beans, {@code platform.temporal.worker.workflow-types})
 * and every activity bean (a bean implementing an {@code @ActivityInterface}), with the application's
 * {@link PermissionChecker} beans for the standard template. The worker starts after the context is refreshed
 * and stops gracefully on shutdown. Each bean backs off when the application defines its own.
 *
 * <p>Stateless; Spring calls its bean methods once, at start-up. The connection (a gRPC channel to the Temporal
 * service, or an in-process dev server) and the worker's polling threads are the expensive part: one per
 * application context, closed with it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = PlatformEventsAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(TemporalConnection.class)
@Conditional(OnTemporalConfigured.class)
@EnableConfigurationProperties(PlatformTemporalProperties.class)
public final class PlatformTemporalAutoConfiguration {

    private static final String PREFIX = "platform.temporal";

    /** Created by Spring. */
    public PlatformTemporalAutoConfiguration() {}

    /**
     * The connection configuration from {@code platform.temporal.*}, validated by the SDK.
     *
     * @param p the bound properties
     * @return the configuration
     * @throws PlatformConfigurationException when the SDK refuses a value
     */
    @Bean
    @ConditionalOnMissingBean
    public TemporalConfig platformTemporalConfig(PlatformTemporalProperties p) {
        return Props.validated(PREFIX, () -> {
            TemporalConfig.Builder b = TemporalConfig.builder();
            if (p.getTarget() != null && !p.getTarget().isBlank()) {
                b.target(p.getTarget());
            }
            if (p.getEmbeddedPort() != null) {
                b.embeddedPort(p.getEmbeddedPort());
            }
            if (p.getNamespace() != null) {
                b.namespace(p.getNamespace());
            }
            if (p.getTaskQueue() != null) {
                b.taskQueue(p.getTaskQueue());
            }
            if (p.getIdentity() != null) {
                b.identity(p.getIdentity());
            }
            if (p.getTlsCertPath() != null) {
                b.tlsCertPath(Path.of(p.getTlsCertPath()));
            }
            if (p.getTlsKeyPath() != null) {
                b.tlsKeyPath(Path.of(p.getTlsKeyPath()));
            }
            Props.duration(PREFIX + ".shutdown-timeout", p.getShutdownTimeout(), b::shutdownTimeout);
            Props.duration(PREFIX + ".rpc-timeout", p.getRpcTimeout(), b::rpcTimeout);
            return b.build();
        });
    }

    /**
     * The connection (gRPC connects lazily). Closed with the context.
     *
     * @param config the configuration
     * @param meters the application's meter registry, if any
     * @return the connection
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public TemporalConnection temporalConnection(TemporalConfig config, ObjectProvider<MeterRegistry> meters) {
        return TemporalConnection.open(config, meters.getIfAvailable());
    }

    /**
     * The connection's client, with the platform's context propagation.
     *
     * @param connection the connection
     * @return the client
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public WorkflowClient workflowClient(TemporalConnection connection) {
        return connection.client();
    }

    /**
     * The standard template's client.
     *
     * @param connection the connection
     * @return the template client
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public TemplateClient templateClient(TemporalConnection connection) {
        return connection.templateClient();
    }

    /**
     * The connection's check for the platform's health registry.
     *
     * @param connection the connection
     * @return its check
     */
    @Bean
    public HealthContribution platformTemporalHealthChecks(TemporalConnection connection) {
        return () -> List.of(connection.healthCheck());
    }

    /**
     * The worker, when an {@link EventBus} exists (the template publishes on it), the application defines no runner
     * of its own and {@code platform.temporal.worker.enabled} is not false.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(EventBus.class)
    @ConditionalOnMissingBean(TemporalWorkerRunner.class)
    @ConditionalOnBooleanProperty(name = "platform.temporal.worker.enabled", matchIfMissing = true)
    static class WorkerConfiguration {

        @Bean(destroyMethod = "close")
        TemporalWorkerRunner temporalWorkerRunner(
                TemporalConnection connection,
                EventBus bus,
                PlatformTemporalProperties p,
                ListableBeanFactory beans,
                ObjectProvider<PermissionChecker> checkers,
                ObjectProvider<TemporalWorkflowTypes> workflows) {
            TemporalWorkerRunner.Builder b =
                    TemporalWorkerRunner.builder(connection).eventBus(bus);
            checkers.orderedStream().forEach(b::permissionChecker);
            List<Class<?>> types = new ArrayList<>();
            workflows.orderedStream().forEach(w -> types.addAll(w.types()));
            for (String name : p.getWorker().getWorkflowTypes()) {
                types.add(workflowClass(name, beans));
            }
            if (!types.isEmpty()) {
                b.workflowImplementationTypes(types.toArray(Class<?>[]::new));
            }
            List<Object> activities = activityBeans(beans);
            if (!activities.isEmpty()) {
                b.activityImplementations(activities.toArray());
            }
            return Props.validated(PREFIX + ".worker", b::build);
        }

        @Bean
        WorkerLifecycle temporalWorkerLifecycle(TemporalWorkerRunner runner) {
            return new WorkerLifecycle(runner);
        }

        private static Class<?> workflowClass(String name, ListableBeanFactory beans) {
            try {
                return ClassUtils.forName(name.trim(), beans.getClass().getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PlatformConfigurationException(
                        PREFIX + ".worker",
                        new IllegalArgumentException(
                                "platform.temporal.worker.workflow-types names the class '" + name.trim()
                                        + "', which is not on the classpath; write the fully qualified name of a workflow "
                                        + "implementation class"));
            }
        }

        private static List<Object> activityBeans(ListableBeanFactory beans) {
            List<Object> found = new ArrayList<>();
            for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
                Class<?> type = beans.getType(name, false);
                if (type != null && isActivity(type)) {
                    found.add(beans.getBean(name));
                }
            }
            return found;
        }

        private static boolean isActivity(Class<?> type) {
            for (Class<?> iface : ClassUtils.getAllInterfacesForClassAsSet(type)) {
                if (iface.isAnnotationPresent(ActivityInterface.class)) {
                    return true;
                }
            }
            return false;
        }
    }
}
