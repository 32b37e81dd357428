package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.Secrets;
import dev.adxcore.platform.core.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to reach Temporal: target, namespace, task queue, worker identity, TLS, and the
 * embedded dev server used when no target is set. Immutable and thread-safe; built and validated once
 * by {@link Builder#build()}, which is cheap: nothing connects, and no file is read, until
 * {@link TemporalConnection#open} runs.
 *
 * <pre>{@code
 * TemporalConfig config = TemporalConfig.fromEnvironment()   // a builder filled from PLATFORM_TEMPORAL_*
 *         .taskQueue("billing")                              // code decides what the environment must not
 *         .build();                                          // validates everything together
 * }</pre>
 *
 * <p>Settings read by {@link #fromEnvironment()} through platform-core's {@link Settings} (a system property
 * such as {@code -Dplatform.temporal.target} wins over the variable):
 * <table>
 *   <caption>PLATFORM_TEMPORAL_* settings</caption>
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
 *   <tr><td>PLATFORM_TEMPORAL_SHUTDOWN_TIMEOUT</td><td>graceful worker shutdown, a duration with a unit
 *       ({@code 30s}, {@code PT30S}; a bare number is refused)</td><td>30 s</td></tr>
 *   <tr><td>PLATFORM_TEMPORAL_RPC_TIMEOUT</td><td>the longest a client call (start, signal, query, describe,
 *       cancel, terminate) waits, retries included, a duration with a unit</td><td>5 s</td></tr>
 * </table>
 * Any other {@code PLATFORM_TEMPORAL_*} name is refused, so a misspelt setting does not pass silently. Only the
 * key's path is ever printed; the key itself is read once, when the connection is opened.
 *
 * @since 0.1.0
 */
public final class TemporalConfig {

    /** Prefix of every environment variable read by {@link #fromEnvironment()}. */
    public static final String ENV_PREFIX = "PLATFORM_TEMPORAL_";

    private static final String TARGET = ENV_PREFIX + "TARGET";
    private static final String NAMESPACE = ENV_PREFIX + "NAMESPACE";
    private static final String TASK_QUEUE = ENV_PREFIX + "TASK_QUEUE";
    private static final String IDENTITY = ENV_PREFIX + "IDENTITY";
    private static final String TLS_CERT_PATH = ENV_PREFIX + "TLS_CERT_PATH";
    private static final String TLS_KEY_PATH = ENV_PREFIX + "TLS_KEY_PATH";
    private static final String EMBEDDED_PORT = ENV_PREFIX + "EMBEDDED_PORT";
    private static final String SHUTDOWN_TIMEOUT = ENV_PREFIX + "SHUTDOWN_TIMEOUT";
    private static final String RPC_TIMEOUT = ENV_PREFIX + "RPC_TIMEOUT";
    private static final List<String> SETTINGS = List.of(
            TARGET,
            NAMESPACE,
            TASK_QUEUE,
            IDENTITY,
            TLS_CERT_PATH,
            TLS_KEY_PATH,
            EMBEDDED_PORT,
            SHUTDOWN_TIMEOUT,
            RPC_TIMEOUT);

    private static final Duration MIN_RPC_TIMEOUT = Duration.ofMillis(100);

    private final @Nullable String target;
    private final String namespace;
    private final String taskQueue;
    private final @Nullable String identity;
    private final @Nullable Path tlsCertPath;
    private final @Nullable Path tlsKeyPath;
    private final int embeddedPort;
    private final Duration shutdownTimeout;
    private final Duration rpcTimeout;

    private TemporalConfig(Builder b) {
        this.target = b.target;
        this.namespace = b.namespace;
        this.taskQueue = b.taskQueue;
        this.identity = b.identity;
        this.tlsCertPath = b.tlsCertPath;
        this.tlsKeyPath = b.tlsKeyPath;
        this.embeddedPort = b.embeddedPort;
        this.shutdownTimeout = b.shutdownTimeout;
        this.rpcTimeout = b.rpcTimeout;
    }

    /**
     * A builder with the defaults: no target (embedded dev server), namespace {@code default}, task queue
     * {@code platform}, embedded port 7233, shutdown timeout 30 s, RPC timeout 5 s.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder filled from the {@code PLATFORM_TEMPORAL_*} environment variables and system properties (see the
     * class documentation); what is not set keeps its default. Nothing is connected.
     *
     * @return the builder; {@link Builder#build()} validates
     * @throws IllegalArgumentException when a setting holds a value of the wrong form, or an unknown
     *     {@code PLATFORM_TEMPORAL_*} name is set; the message names the setting
     * @since 0.1.0
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(Settings.fromEnvironment());
    }

    /**
     * A builder filled from the {@code PLATFORM_TEMPORAL_*} settings of another source (a map in tests, a
     * framework's configuration); names that do not start with {@code PLATFORM_TEMPORAL_} are ignored.
     *
     * @param settings where to read
     * @return the builder; {@link Builder#build()} validates
     * @throws IllegalArgumentException when a setting holds a value of the wrong form, or an unknown
     *     {@code PLATFORM_TEMPORAL_*} name is set; the message names the setting
     * @since 0.1.0
     */
    public static Builder fromEnvironment(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        for (String name : settings.names()) {
            if (name.startsWith(ENV_PREFIX) && !SETTINGS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown setting " + settings.describe(name) + " (known: " + String.join(", ", SETTINGS) + ")");
            }
        }
        Builder b = builder();
        settings.string(TARGET).ifPresent(b::target);
        settings.string(NAMESPACE).ifPresent(b::namespace);
        settings.string(TASK_QUEUE).ifPresent(b::taskQueue);
        settings.string(IDENTITY).ifPresent(b::identity);
        settings.string(TLS_CERT_PATH).ifPresent(p -> b.tlsCertPath(path(settings, TLS_CERT_PATH, p)));
        settings.string(TLS_KEY_PATH).ifPresent(p -> b.tlsKeyPath(path(settings, TLS_KEY_PATH, p)));
        settings.integer(EMBEDDED_PORT).ifPresent(port -> {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(settings.describe(EMBEDDED_PORT) + " must be a port from 0 to "
                        + "65535, 0 for any free port (was " + port + ")");
            }
            b.embeddedPort(port);
        });
        settings.duration(SHUTDOWN_TIMEOUT).ifPresent(b::shutdownTimeout);
        settings.duration(RPC_TIMEOUT).ifPresent(b::rpcTimeout);
        return b;
    }

    private static Path path(Settings settings, String name, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    settings.describe(name) + " must be a file path (" + e.getReason() + ")");
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
     * The longest a client call waits for the frontend, retries included: start, signal, signal-with-start, query,
     * describe, cancel and terminate. It is the gRPC deadline of each attempt and the time after which the SDK
     * stops retrying, so a call to a server that hangs (or behind a silent network) fails after about this long
     * instead of the SDK's default of 10 s per attempt retried for a minute. Worker long polls and
     * {@code WorkflowStub.getResult} are not bounded by it.
     *
     * @return a positive duration
     * @since 0.3.0
     */
    public Duration rpcTimeout() {
        return rpcTimeout;
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
        b.rpcTimeout = rpcTimeout;
        return b;
    }

    @Override
    public String toString() {
        return "TemporalConfig{target="
                + (target == null ? "<embedded dev server on port " + embeddedPort + ">" : target)
                + ", namespace=" + namespace + ", taskQueue=" + taskQueue
                + (identity == null ? "" : ", identity=" + identity)
                + (tlsCertPath == null ? ", tls=off" : ", tlsCertPath=" + tlsCertPath + ", tlsKeyPath=" + tlsKeyPath)
                + ", shutdownTimeout=" + Settings.formatDuration(shutdownTimeout)
                + ", rpcTimeout=" + Settings.formatDuration(rpcTimeout) + '}';
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
        private Duration rpcTimeout = Duration.ofSeconds(5);

        private Builder() {}

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
         * Sets the longest a client call waits, retries included (see {@link TemporalConfig#rpcTimeout()}).
         *
         * @param rpcTimeout a positive duration, at least 100 ms
         * @return this builder
         * @since 0.3.0
         */
        public Builder rpcTimeout(Duration rpcTimeout) {
            this.rpcTimeout = rpcTimeout;
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
                if (!isHostAndPort(target)) {
                    throw new IllegalArgumentException("target (" + TARGET + ") must be host:port, e.g. "
                            + "temporal.internal:7233 (was " + shown(target)
                            + "); leave it unset to start the embedded "
                            + "dev server");
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
                throw new IllegalArgumentException(
                        "embeddedPort must be between 0 and 65535 (was " + embeddedPort + ")");
            }
            if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout (" + SHUTDOWN_TIMEOUT + ") must be > 0 (was "
                        + (shutdownTimeout == null ? "null" : Settings.formatDuration(shutdownTimeout)) + ")");
            }
            if (rpcTimeout == null || rpcTimeout.compareTo(MIN_RPC_TIMEOUT) < 0) {
                throw new IllegalArgumentException("rpcTimeout (" + RPC_TIMEOUT + ") must be >= 100ms (was "
                        + (rpcTimeout == null ? "null" : Settings.formatDuration(rpcTimeout)) + ")");
            }
            return new TemporalConfig(this);
        }

        /** {@code host:port}: a DNS name, IPv4 address or bracketed IPv6 address, and a port from 1 to 65535. */
        private static boolean isHostAndPort(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                return false;
            }
            String host = value.substring(0, colon);
            boolean hostValid;
            if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
                hostValid = host.substring(1, host.length() - 1)
                        .chars()
                        .allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
            } else {
                hostValid = host.chars()
                        .allMatch(c -> (c >= 'a' && c <= 'z')
                                || (c >= 'A' && c <= 'Z')
                                || (c >= '0' && c <= '9')
                                || c == '.'
                                || c == '-'
                                || c == '_');
            }
            String port = value.substring(colon + 1);
            if (!hostValid || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
            int p = Integer.parseInt(port);
            return p > 0 && p <= 65535;
        }

        /** How a refused target is shown: credentials masked, hostile or long text not echoed. */
        private static String shown(String value) {
            String masked = value.indexOf('@') < 0 ? value : Secrets.MASK + value.substring(value.lastIndexOf('@'));
            boolean plain = masked.length() <= 100 && masked.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\'');
            return plain ? "'" + masked + "'" : "a value of " + value.length() + " characters, not shown";
        }
    }
}
