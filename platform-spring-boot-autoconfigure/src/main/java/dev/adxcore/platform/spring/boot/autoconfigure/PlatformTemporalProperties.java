package dev.adxcore.platform.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.temporal.*}: the Temporal connection and worker (platform-temporal). Configured when
 * {@code platform.temporal.target} is set, or when {@code platform.temporal.embedded=true} starts the SDK's
 * in-process dev server (local runs and tests only: its state is lost on exit).
 *
 * <p>A mutable bean that Spring binds once at start-up; not thread-safe, so read it only while the context
 * starts. Cheap: binding it connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.temporal")
public class PlatformTemporalProperties {

    /** host:port of the Temporal frontend. */
    private @Nullable String target;
    /** Start the in-process Temporal dev server when no target is set (local runs and tests only). */
    private boolean embedded;
    /** Port of the embedded dev server; 0 picks any free port. Default: 7233. */
    private @Nullable Integer embeddedPort;
    /** Namespace. Default: default. */
    private @Nullable String namespace;
    /** Task queue of the worker and the template client. Default: platform. */
    private @Nullable String taskQueue;
    /** Client and worker identity. Default: the SDK's pid@host. */
    private @Nullable String identity;
    /** PEM client certificate chain for mTLS. */
    private @Nullable String tlsCertPath;
    /** PKCS#8 PEM private key for mTLS. */
    private @Nullable String tlsKeyPath;
    /** Graceful worker shutdown, such as 30s. */
    private @Nullable String shutdownTimeout;
    /** Deadline of each client call when the frontend hangs, such as 5s (platform-temporal's rpcTimeout). Default: 5s. */
    private @Nullable String rpcTimeout;
    /** The worker. */
    private final Worker worker = new Worker();

    /** Creates the properties with nothing set. */
    public PlatformTemporalProperties() {}

    /** @return the frontend address, or null */
    public @Nullable String getTarget() {
        return target;
    }

    /** @param target the frontend address */
    public void setTarget(@Nullable String target) {
        this.target = target;
    }

    /** @return whether the embedded dev server may be started */
    public boolean isEmbedded() {
        return embedded;
    }

    /** @param embedded whether the embedded dev server may be started */
    public void setEmbedded(boolean embedded) {
        this.embedded = embedded;
    }

    /** @return the embedded server's port, or null for the default */
    public @Nullable Integer getEmbeddedPort() {
        return embeddedPort;
    }

    /** @param embeddedPort the embedded server's port */
    public void setEmbeddedPort(@Nullable Integer embeddedPort) {
        this.embeddedPort = embeddedPort;
    }

    /** @return the namespace, or null for the default */
    public @Nullable String getNamespace() {
        return namespace;
    }

    /** @param namespace the namespace */
    public void setNamespace(@Nullable String namespace) {
        this.namespace = namespace;
    }

    /** @return the task queue, or null for the default */
    public @Nullable String getTaskQueue() {
        return taskQueue;
    }

    /** @param taskQueue the task queue */
    public void setTaskQueue(@Nullable String taskQueue) {
        this.taskQueue = taskQueue;
    }

    /** @return the identity, or null for the default */
    public @Nullable String getIdentity() {
        return identity;
    }

    /** @param identity the identity */
    public void setIdentity(@Nullable String identity) {
        this.identity = identity;
    }

    /** @return the certificate path, or null */
    public @Nullable String getTlsCertPath() {
        return tlsCertPath;
    }

    /** @param tlsCertPath the certificate path */
    public void setTlsCertPath(@Nullable String tlsCertPath) {
        this.tlsCertPath = tlsCertPath;
    }

    /** @return the key path, or null */
    public @Nullable String getTlsKeyPath() {
        return tlsKeyPath;
    }

    /** @param tlsKeyPath the key path */
    public void setTlsKeyPath(@Nullable String tlsKeyPath) {
        this.tlsKeyPath = tlsKeyPath;
    }

    /** @return the shutdown timeout as written, or null */
    public @Nullable String getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** @param shutdownTimeout the shutdown timeout */
    public void setShutdownTimeout(@Nullable String shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** @return the client call deadline, or null for the default */
    public @Nullable String getRpcTimeout() {
        return rpcTimeout;
    }

    /** @param rpcTimeout the client call deadline, such as 5s */
    public void setRpcTimeout(@Nullable String rpcTimeout) {
        this.rpcTimeout = rpcTimeout;
    }

    /** @return the worker properties */
    public Worker getWorker() {
        return worker;
    }

    /**
     * {@code platform.temporal.worker.*}: the worker runner that polls the task queue.
     *
     * @since 0.1.0
     */
    public static class Worker {

        /** Whether to run a worker (needs an EventBus bean: the template publishes its events on it). */
        private boolean enabled = true;
        /** Workflow implementation classes to register, fully qualified. */
        private List<String> workflowTypes = new ArrayList<>();

        /** Creates the worker properties with the defaults. */
        public Worker() {}

        /** @return whether a worker runs */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether a worker runs */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the workflow implementation class names */
        public List<String> getWorkflowTypes() {
            return workflowTypes;
        }

        /** @param workflowTypes the workflow implementation class names */
        public void setWorkflowTypes(List<String> workflowTypes) {
            this.workflowTypes = workflowTypes;
        }
    }
}
