package dev.adxcore.platform.temporal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to reach Temporal: target, namespace, task queue, worker identity, TLS, and the
 * embedded dev server used when no target is set. Immutable and thread-safe; built and validated once
 * by {@link Builder#build()}.
 *
 * <p>Environment variables read by {@link #fromEnvironment()}:
 * <table>
 *   <caption>PLATFORM_TEMPORAL_* variables</caption>
 *   <tr><th>variable</th><th>setting</th><th>default</th></tr>
 *   <tr><td>PLATFORM_TEMPORAL_TARGET</td><td>{@code host:port} of the frontend</td>
 *       <td>none: start the embedded dev server</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_NAMESPACE</td><td>namespace</td><td>{@code default}</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_TASK_QUEUE</td><td>task queue</td><td>{@code platform}</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_IDENTITY</td><td>client/worker identity</td><td>the SDK's
 *       {@code pid@host}</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_TLS_CERT_PATH</td><td>PEM client certificate chain (mTLS)</td><td>none</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_TLS_KEY_PATH</td><td>PKCS#8 PEM private key (mTLS)</td><td>none</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_EMBEDDED_PORT</td><td>port of the embedded dev server, 0 = any free
 *       port</td><td>7233</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT</td><td>graceful worker shutdown, ISO-8601
 *       ({@code PT30S}) or seconds</td><td>30 s</td></tr>
 * </table>
 * Only the key's path is ever printed; the key itself is read once, when the connection is opened.
 *
 * @since 0.1.0
 */
public final class TemporalConfig {

    /** Prefix of every environment variable read by {@link #fromEnvironment()}. */
    public static final String ENV_PREFIX = "PLATFORM_TEMPORAL_";

    private final @Nullable String target;
    private final String namespace;
    private final String taskQueue;
    private final @Nullable String identity;
    private final @Nullable Path tlsCertPath;
    private final @Nullable Path tlsKeyPath;
    private final int embeddedPort;
    private final Duration shutdownTimeout;

    private TemporalConfig(Builder b) {
        this.target = b.target;
        this.namespace = b.namespace;
        this.taskQueue = b.taskQueue;
        this.identity = b.identity;
        this.tlsCertPath = b.tlsCertPath;
        this.tlsKeyPath = b.tlsKeyPath;
        this.embeddedPort = b.embeddedPort;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    /**
     * A builder with the defaults: no target (embedded dev server), namespace {@code default}, task queue
     * {@code platform}, embedded port 7233, shutdown timeout 30 s.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code PLATFORM_TEMPORAL_*} environment variables (see the class documentation).
     *
     * @return the validated config
     * @throws IllegalArgumentException when a variable holds an invalid value; the message names it
     * @since 0.1.0
     */
    public static TemporalConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the {@code PLATFORM_TEMPORAL_*} variables from the given map instead of the process
     * environment (for tests and for frameworks that hold configuration in a map).
     *
     * @param environment variable name to value
     * @return the validated config
     * @throws IllegalArgumentException when a variable holds an invalid value; the message names it
     * @since 0.1.0
     */
    public static TemporalConfig fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        Builder b = builder();
        env(environment, "TARGET").ifPresent(b::target);
        env(environment, "NAMESPACE").ifPresent(b::namespace);
        env(environment, "TASK_QUEUE").ifPresent(b::taskQueue);
        env(environment, "IDENTITY").ifPresent(b::identity);
        env(environment, "TLS_CERT_PATH").ifPresent(p -> b.tlsCertPath(Path.of(p)));
        env(environment, "TLS_KEY_PATH").ifPresent(p -> b.tlsKeyPath(Path.of(p)));
        env(environment, "EMBEDDED_PORT").ifPresent(p -> {
            try {
                b.embeddedPort(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ENV_PREFIX + "EMBEDDED_PORT must be a port number (was '" + p + "')");
            }
        });
        env(environment, "SHUTDOWN_TIMEOUT").ifPresent(t -> b.shutdownTimeout(duration("SHUTDOWN_TIMEOUT", t)));
        return b.build();
    }

    private static Optional<String> env(Map<String, String> environment, String name) {
        String value = environment.get(ENV_PREFIX + name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Duration duration(String name, String value) {
        try {
            return value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(ENV_PREFIX + name + " must be an ISO-8601 duration such as PT30S or a "
                    + "number of seconds (was '" + value + "')");
        }
    }

    /**
     * The frontend address; empty means "start the embedded dev server".
     *
     * @return {@code host:port}, or empty
     * @since 0.1.0
     */
    public Optional<String> target() {
        return Optional.ofNullable(target);
    }

    /**
     * The namespace.
     *
     * @return the namespace, never blank
     * @since 0.1.0
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The task queue the worker polls and {@link TemplateClient} starts workflows on.
     *
     * @return the task queue, never blank
     * @since 0.1.0
     */
    public String taskQueue() {
        return taskQueue;
    }

    /**
     * The identity reported by the client and worker.
     *
     * @return the identity, or empty for the SDK default ({@code pid@host})
     * @since 0.1.0
     */
    public Optional<String> identity() {
        return Optional.ofNullable(identity);
    }

    /**
     * The PEM client certificate chain for mutual TLS.
     *
     * @return the path, or empty when TLS is off
     * @since 0.1.0
     */
    public Optional<Path> tlsCertPath() {
        return Optional.ofNullable(tlsCertPath);
    }

    /**
     * The PKCS#8 PEM private key for mutual TLS.
     *
     * @return the path, or empty when TLS is off
     * @since 0.1.0
     */
    public Optional<Path> tlsKeyPath() {
        return Optional.ofNullable(tlsKeyPath);
    }

    /**
     * Whether the connection uses TLS.
     *
     * @return {@code true} when a certificate and key are configured
     * @since 0.1.0
     */
    public boolean isTls() {
        return tlsCertPath != null;
    }

    /**
     * The port of the embedded dev server, used only when no target is set.
     *
     * @return 0 to 65535; 0 picks a free port
     * @since 0.1.0
     */
    public int embeddedPort() {
        return embeddedPort;
    }

    /**
     * How long a graceful worker shutdown waits for in-flight tasks before interrupting them.
     *
     * @return a positive duration
     * @since 0.1.0
     */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * A builder holding this config's values.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.target = target;
        b.namespace = namespace;
        b.taskQueue = taskQueue;
        b.identity = identity;
        b.tlsCertPath = tlsCertPath;
        b.tlsKeyPath = tlsKeyPath;
        b.embeddedPort = embeddedPort;
        b.shutdownTimeout = shutdownTimeout;
        return b;
    }

    @Override
    public String toString() {
        return "TemporalConfig{target=" + (target == null ? "<embedded dev server on port " + embeddedPort + ">" : target)
                + ", namespace=" + namespace + ", taskQueue=" + taskQueue
                + (identity == null ? "" : ", identity=" + identity)
                + (tlsCertPath == null ? ", tls=off" : ", tlsCertPath=" + tlsCertPath + ", tlsKeyPath=" + tlsKeyPath)
                + ", shutdownTimeout=" + shutdownTimeout + '}';
    }

    /**
     * Builds a {@link TemporalConfig}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String target;
        private String namespace = "default";
        private String taskQueue = "platform";
        private @Nullable String identity;
        private @Nullable Path tlsCertPath;
        private @Nullable Path tlsKeyPath;
        private int embeddedPort = 7233;
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * Sets the frontend address.
         *
         * @param target {@code host:port}, or {@code null} to use the embedded dev server
         * @return this builder
         * @since 0.1.0
         */
        public Builder target(@Nullable String target) {
            this.target = target;
            return this;
        }

        /**
         * Sets the namespace.
         *
         * @param namespace the namespace
         * @return this builder
         * @since 0.1.0
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * Sets the task queue.
         *
         * @param taskQueue the task queue
         * @return this builder
         * @since 0.1.0
         */
        public Builder taskQueue(String taskQueue) {
            this.taskQueue = taskQueue;
            return this;
        }

        /**
         * Sets the identity.
         *
         * @param identity the identity, or {@code null} for the SDK default
         * @return this builder
         * @since 0.1.0
         */
        public Builder identity(@Nullable String identity) {
            this.identity = identity;
            return this;
        }

        /**
         * Sets the client certificate chain for mutual TLS; requires {@link #tlsKeyPath}.
         *
         * @param tlsCertPath PEM certificate chain, or {@code null}
         * @return this builder
         * @since 0.1.0
         */
        public Builder tlsCertPath(@Nullable Path tlsCertPath) {
            this.tlsCertPath = tlsCertPath;
            return this;
        }

        /**
         * Sets the private key for mutual TLS; requires {@link #tlsCertPath}.
         *
         * @param tlsKeyPath PKCS#8 PEM key, or {@code null}
         * @return this builder
         * @since 0.1.0
         */
        public Builder tlsKeyPath(@Nullable Path tlsKeyPath) {
            this.tlsKeyPath = tlsKeyPath;
            return this;
        }

        /**
         * Sets the embedded dev server's port.
         *
         * @param embeddedPort 0 to 65535; 0 picks a free port
         * @return this builder
         * @since 0.1.0
         */
        public Builder embeddedPort(int embeddedPort) {
            this.embeddedPort = embeddedPort;
            return this;
        }

        /**
         * Sets how long a graceful worker shutdown waits for in-flight tasks.
         *
         * @param shutdownTimeout a positive duration
         * @return this builder
         * @since 0.1.0
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * Validates and builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException naming the setting, the bad value and the fix
         * @since 0.1.0
         */
        public TemporalConfig build() {
            if (target != null) {
                target = target.trim();
                int colon = target.lastIndexOf(':');
                boolean valid = colon > 0 && colon < target.length() - 1 && target.indexOf('/') < 0;
                if (valid) {
                    try {
                        int port = Integer.parseInt(target.substring(colon + 1));
                        valid = port > 0 && port <= 65535;
                    } catch (NumberFormatException e) {
                        valid = false;
                    }
                }
                if (!valid) {
                    throw new IllegalArgumentException("target must be host:port, e.g. temporal.internal:7233 (was '"
                            + target + "'); leave it unset to start the embedded dev server");
                }
            }
            if (namespace == null || namespace.isBlank()) {
                throw new IllegalArgumentException("namespace must not be blank (was '" + namespace + "')");
            }
            if (taskQueue == null || taskQueue.isBlank()) {
                throw new IllegalArgumentException("taskQueue must not be blank (was '" + taskQueue + "')");
            }
            if (identity != null && identity.isBlank()) {
                throw new IllegalArgumentException("identity must not be blank when set (was '" + identity + "')");
            }
            if ((tlsCertPath == null) != (tlsKeyPath == null)) {
                throw new IllegalArgumentException("tlsCertPath and tlsKeyPath must be set together (was tlsCertPath="
                        + (tlsCertPath == null ? "<unset>" : tlsCertPath) + ", tlsKeyPath="
                        + (tlsKeyPath == null ? "<unset>" : tlsKeyPath) + ")");
            }
            if (tlsCertPath != null && target == null) {
                throw new IllegalArgumentException("TLS needs a target: the embedded dev server speaks plain gRPC "
                        + "(was tlsCertPath=" + tlsCertPath + " with no target)");
            }
            if (embeddedPort < 0 || embeddedPort > 65535) {
                throw new IllegalArgumentException("embeddedPort must be between 0 and 65535 (was " + embeddedPort + ")");
            }
            if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout must be > 0 (was " + shutdownTimeout + ")");
            }
            return new TemporalConfig(this);
        }
    }
}
