package dev.adxcore.platform.events.kafka;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a Kafka event bus: where the brokers are, which topic the bus uses and how it creates it, and the
 * consumer and producer knobs that matter.
 *
 * <p>Every setting can also be given in the bus URI, so that a service switches transport with one setting
 * ({@code PLATFORM_EVENTS_URL}); parameter names are the builder method names, and any Kafka client property
 * passes through with the prefix {@code kafka.}:
 *
 * <pre>{@code
 * kafka://broker-1:9092,broker-2:9092?topic=orders.events&partitions=12&replicationFactor=3
 *     &handlerConcurrency=4&batchSize=500&sessionTimeout=10s
 * kafka://app:secret@broker:9093?saslMechanism=SCRAM-SHA-512          (SASL_SSL with these credentials)
 * kafka://broker:9093?securityProtocol=SSL&kafka.ssl.truststore.location=/etc/kafka/truststore.p12
 *     &kafka.ssl.truststore.password=changeit
 * }</pre>
 *
 * <p>Durations accept {@code 250ms}, {@code 2s}, {@code 5m} or ISO-8601 ({@code PT2S}). Credentials (the URI's
 * user info, {@code sasl.jaas.config} and every client property whose name contains {@code password},
 * {@code secret}, {@code jaas}, {@code token} or {@code credential}, or ends in {@code .key}) are masked as
 * {@code ****} in {@link #toString()}, in log lines and in error messages.
 *
 * <p>Immutable and thread-safe; validated once, when built, which is cheap: nothing connects to a broker until
 * a bus is opened.
 *
 * @since 0.1.0
 */
public final class KafkaEventBusConfig {

    /** Kafka topic names: letters, digits, {@code . _ -}; at most 140 here so that dead-letter topic names fit. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,140}");

    private static final Pattern GROUP_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,100}");
    private static final Pattern SERVERS =
            Pattern.compile("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}(,[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5})*");
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Set<String> COMPRESSION = Set.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|secret|jaas|token|credential).*|.*\\.key");
    private static final List<String> PARAMETERS = List.of(
            "topic",
            "partitions",
            "replicationFactor",
            "createTopics",
            "groupIdPrefix",
            "handlerConcurrency",
            "batchSize",
            "maxInFlight",
            "pollTimeout",
            "linger",
            "batchBytes",
            "compression",
            "sessionTimeout",
            "maxPollInterval",
            "securityProtocol",
            "saslMechanism",
            "clientId");
    /** Client properties the bus sets itself and that must not be overridden. */
    private static final Set<String> RESERVED = Set.of(
            "bootstrap.servers",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "enable.auto.commit",
            "group.id",
            "acks",
            "enable.idempotence",
            "auto.offset.reset");

    private final String bootstrapServers;
    private final String topic;
    private final int partitions;
    private final short replicationFactor;
    private final boolean createTopics;
    private final String groupIdPrefix;
    private final int handlerConcurrency;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration pollTimeout;
    private final Duration linger;
    private final int batchBytes;
    private final String compression;
    private final Duration sessionTimeout;
    private final Duration maxPollInterval;
    private final String securityProtocol;
    private final @Nullable String saslMechanism;
    private final @Nullable String username;
    private final @Nullable String password;
    private final @Nullable String clientId;
    private final Map<String, String> clientProperties;

    private KafkaEventBusConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.partitions = b.partitions;
        this.replicationFactor = b.replicationFactor;
        this.createTopics = b.createTopics;
        this.groupIdPrefix = b.groupIdPrefix;
        this.handlerConcurrency = b.handlerConcurrency;
        this.batchSize = b.batchSize;
        this.maxInFlight = b.maxInFlight;
        this.pollTimeout = b.pollTimeout;
        this.linger = b.linger;
        this.batchBytes = b.batchBytes;
        this.compression = b.compression;
        this.sessionTimeout = b.sessionTimeout;
        this.maxPollInterval = b.maxPollInterval;
        this.username = b.username;
        this.password = b.password;
        this.securityProtocol =
                b.securityProtocol != null ? b.securityProtocol : b.username != null ? "SASL_SSL" : "PLAINTEXT";
        this.saslMechanism =
                b.saslMechanism != null ? b.saslMechanism : this.securityProtocol.startsWith("SASL") ? "PLAIN" : null;
        this.clientId = b.clientId;
        this.clientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.clientProperties));
    }

    /**
     * Starts a configuration for the given brokers, every setting at its default.
     *
     * @param bootstrapServers {@code host:port[,host:port]}
     * @return a new builder
     * @throws IllegalArgumentException when the list is malformed
     */
    public static Builder builder(String bootstrapServers) {
        return new Builder().bootstrapServers(bootstrapServers);
    }

    /**
     * Reads a configuration from a bus URI: {@code kafka://[user:password@]host:port[,host:port][?parameters]}.
     *
     * @param uri the bus URI
     * @return the configuration
     * @throws IllegalArgumentException when the URI is not a kafka URI or a parameter is bad; the message names the
     *     parameter (and never shows a password)
     */
    public static KafkaEventBusConfig fromUri(URI uri) {
        return builder(uri).build();
    }

    /**
     * Starts a builder from a bus URI (see {@link #fromUri(URI)}), to change some settings in code.
     *
     * @param uri the bus URI
     * @return a builder holding the URI's settings
     * @throws IllegalArgumentException when the URI is not a kafka URI or a parameter is bad
     */
    public static Builder builder(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"kafka".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a kafka:// URI (was '" + mask(uri.toString()) + "')");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("kafka URI must name the brokers: kafka://host:9092[,host:9092] (was '"
                    + mask(uri.toString()) + "')");
        }
        Builder b = new Builder();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            b.credentials(user, pass);
        }
        b.bootstrapServers(authority);
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                b.parameter(name, value);
            }
        }
        return b;
    }

    /** @return {@code host:port[,host:port]} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the topic every event of this bus goes to (default {@code platform.events}) */
    public String topic() {
        return topic;
    }

    /**
     * @param subscriptionId a subscription id
     * @return the subscription's dead-letter topic, {@code <topic>.dlt.<subscriptionId>}
     */
    public String deadLetterTopic(String subscriptionId) {
        return topic + ".dlt." + subscriptionId;
    }

    /** @return partitions of the topic when the bus creates it (default 6) */
    public int partitions() {
        return partitions;
    }

    /** @return replication factor of topics the bus creates; -1 (default) means the broker's default.replication.factor */
    public short replicationFactor() {
        return replicationFactor;
    }

    /** @return whether the bus creates its topic and dead-letter topics when they are missing (default true) */
    public boolean createTopics() {
        return createTopics;
    }

    /**
     * @param subscriptionId a subscription id
     * @return its consumer group: {@code <groupIdPrefix><subscriptionId>}
     */
    public String groupId(String subscriptionId) {
        return groupIdPrefix + subscriptionId;
    }

    /** @return the prefix of every consumer group id (default empty: the group id is the subscription id) */
    public String groupIdPrefix() {
        return groupIdPrefix;
    }

    /** @return the least handler concurrency of every subscription (default 1) */
    public int handlerConcurrency() {
        return handlerConcurrency;
    }

    /** @return records per poll, {@code max.poll.records} (default 500) */
    public int batchSize() {
        return batchSize;
    }

    /** @return records a consumer holds at most (fetched, not yet committed-ready); default 2 × batchSize */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return how long one poll waits for records (default 100 ms; commits go out at least this often) */
    public Duration pollTimeout() {
        return pollTimeout;
    }

    /** @return how long the producer waits to fill a batch, {@code linger.ms} (default 5 ms) */
    public Duration linger() {
        return linger;
    }

    /** @return the producer's batch size per partition in bytes, {@code batch.size} (default 16384) */
    public int batchBytes() {
        return batchBytes;
    }

    /** @return the producer's compression: none (default), gzip, snappy, lz4 or zstd */
    public String compression() {
        return compression;
    }

    /** @return the consumer group session timeout (default 45 s): how soon a dead consumer's partitions move */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** @return the longest pause between polls before a consumer leaves its group (default 5 min) */
    public Duration maxPollInterval() {
        return maxPollInterval;
    }

    /** @return PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL (the default when the URI has credentials) */
    public String securityProtocol() {
        return securityProtocol;
    }

    /** @return the SASL mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), when SASL is used */
    public Optional<String> saslMechanism() {
        return Optional.ofNullable(saslMechanism);
    }

    /** @return the SASL user name, when the URI or builder gave credentials */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** @return the client id prefix (default: the service name or {@code platform-events}) */
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /** @return extra Kafka client properties (the {@code kafka.} parameters), unmodifiable */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /**
     * The Kafka client properties for security: {@code security.protocol}, the SASL mechanism and JAAS config
     * built from the credentials, then {@link #clientProperties()}. Contains secrets: never log it.
     *
     * @return the properties
     */
    public Map<String, String> securityProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", securityProtocol);
        if (saslMechanism != null) {
            p.put("sasl.mechanism", saslMechanism);
            if (username != null) {
                String module = saslMechanism.startsWith("SCRAM")
                        ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                        : "org.apache.kafka.common.security.plain.PlainLoginModule";
                p.put(
                        "sasl.jaas.config",
                        module + " required username=\"" + jaasEscape(username) + "\" password=\""
                                + jaasEscape(password == null ? "" : password) + "\";");
            }
        }
        p.putAll(clientProperties);
        return p;
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * @param name a Kafka client property name
     * @return whether its value is a secret (masked everywhere)
     */
    public static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** @return the bus URI without credentials: {@code kafka://host:port?topic=...} */
    public String maskedUri() {
        return "kafka://" + (username == null ? "" : "****@") + bootstrapServers + "?topic=" + topic;
    }

    /** Shows every setting; credentials and secret client properties are {@code ****}. */
    @Override
    public String toString() {
        StringBuilder props = new StringBuilder("{");
        for (Map.Entry<String, String> e : clientProperties.entrySet()) {
            if (props.length() > 1) {
                props.append(", ");
            }
            props.append(e.getKey()).append('=').append(isSecret(e.getKey()) ? "****" : e.getValue());
        }
        props.append('}');
        return "KafkaEventBusConfig{bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", partitions="
                + partitions + ", replicationFactor=" + replicationFactor + ", createTopics=" + createTopics
                + ", groupIdPrefix=" + groupIdPrefix + ", handlerConcurrency=" + handlerConcurrency + ", batchSize="
                + batchSize + ", maxInFlight=" + maxInFlight + ", pollTimeout=" + pollTimeout + ", linger=" + linger
                + ", batchBytes=" + batchBytes + ", compression=" + compression + ", sessionTimeout=" + sessionTimeout
                + ", maxPollInterval=" + maxPollInterval + ", securityProtocol=" + securityProtocol
                + (saslMechanism == null ? "" : ", saslMechanism=" + saslMechanism)
                + (username == null ? "" : ", username=" + username + ", password=****")
                + (clientId == null ? "" : ", clientId=" + clientId) + ", clientProperties=" + props + '}';
    }

    /**
     * Masks the user info of a kafka URI text and the values of secret {@code kafka.} parameters.
     *
     * @param uri URI text
     * @return the text, safe to log
     */
    public static String mask(String uri) {
        String masked = uri.replaceAll("(?<=://)[^/@?#]*@", "****@");
        StringBuilder out = new StringBuilder();
        int q = masked.indexOf('?');
        if (q < 0) {
            return masked;
        }
        out.append(masked, 0, q + 1);
        String[] pairs = masked.substring(q + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            int eq = pairs[i].indexOf('=');
            String name = decode(eq < 0 ? pairs[i] : pairs[i].substring(0, eq));
            if (eq >= 0 && isSecret(name)) {
                out.append(pairs[i], 0, eq + 1).append("****");
            } else {
                out.append(pairs[i]);
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Builds a {@link KafkaEventBusConfig}. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers = "";
        private String topic = "platform.events";
        private int partitions = 6;
        private short replicationFactor = -1;
        private boolean createTopics = true;
        private String groupIdPrefix = "";
        private int handlerConcurrency = 1;
        private int batchSize = 500;
        private int maxInFlight = -1;
        private Duration pollTimeout = Duration.ofMillis(100);
        private Duration linger = Duration.ofMillis(5);
        private int batchBytes = 16384;
        private String compression = "none";
        private Duration sessionTimeout = Duration.ofSeconds(45);
        private Duration maxPollInterval = Duration.ofMinutes(5);
        private @Nullable String securityProtocol;
        private @Nullable String saslMechanism;
        private @Nullable String username;
        private @Nullable String password;
        private @Nullable String clientId;
        private final Map<String, String> clientProperties = new LinkedHashMap<>();

        private Builder() {}

        private void parameter(String name, String value) {
            if (name.startsWith("kafka.")) {
                clientProperty(name.substring("kafka.".length()), value);
                return;
            }
            try {
                switch (name) {
                    case "topic" -> topic(value);
                    case "partitions" -> partitions(parseInt(name, value));
                    case "replicationFactor" -> replicationFactor(parseInt(name, value));
                    case "createTopics" -> createTopics(parseBoolean(name, value));
                    case "groupIdPrefix" -> groupIdPrefix(value);
                    case "handlerConcurrency" -> handlerConcurrency(parseInt(name, value));
                    case "batchSize" -> batchSize(parseInt(name, value));
                    case "maxInFlight" -> maxInFlight(parseInt(name, value));
                    case "pollTimeout" -> pollTimeout(parseDuration(name, value));
                    case "linger" -> linger(parseDuration(name, value));
                    case "batchBytes" -> batchBytes(parseInt(name, value));
                    case "compression" -> compression(value);
                    case "sessionTimeout" -> sessionTimeout(parseDuration(name, value));
                    case "maxPollInterval" -> maxPollInterval(parseDuration(name, value));
                    case "securityProtocol" -> securityProtocol(value);
                    case "saslMechanism" -> saslMechanism(value);
                    case "clientId" -> clientId(value);
                    default ->
                        throw new IllegalArgumentException("unknown kafka URI parameter '" + name
                                + "' (bus parameters: " + String.join(", ", PARAMETERS)
                                + "; Kafka client properties pass through as kafka.<property>)");
                }
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IllegalArgumentException(
                        m != null && m.startsWith("unknown") ? m : "kafka URI parameter " + m, e);
            }
        }

        private static int parseInt(String name, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer (was '" + value + "')", e);
            }
        }

        private static boolean parseBoolean(String name, String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false (was '" + value + "')");
            };
        }

        private static Duration parseDuration(String name, String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(value.trim());
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                // the message below
            }
            throw new IllegalArgumentException(
                    name + " must be a duration such as 250ms, 2s, 5m or PT2S (was '" + value + "')");
        }

        /**
         * @param servers {@code host:port[,host:port]}
         * @return this builder
         */
        public Builder bootstrapServers(String servers) {
            Objects.requireNonNull(servers, "bootstrapServers");
            if (!SERVERS.matcher(servers).matches()) {
                throw new IllegalArgumentException("bootstrapServers must be host:port[,host:port] (was '" + servers
                        + "'); example: kafka://broker-1:9092,broker-2:9092");
            }
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * @param topic the bus's topic, {@code [A-Za-z0-9._-]{1,140}}
         * @return this builder
         */
        public Builder topic(String topic) {
            if (topic == null || !TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException("topic must match [A-Za-z0-9._-]{1,140} (was '" + topic + "')");
            }
            this.topic = topic;
            return this;
        }

        /**
         * @param partitions partitions when the bus creates its topic, 1 to 10,000
         * @return this builder
         */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 10_000) {
                throw new IllegalArgumentException("partitions must be between 1 and 10000 (was " + partitions + ")");
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * @param replicationFactor replicas of topics the bus creates, 1 to 32, or -1 for the broker's default
         * @return this builder
         */
        public Builder replicationFactor(int replicationFactor) {
            if (replicationFactor != -1 && (replicationFactor < 1 || replicationFactor > 32)) {
                throw new IllegalArgumentException("replicationFactor must be -1 (the broker's default) or between 1"
                        + " and 32 (was " + replicationFactor + ")");
            }
            this.replicationFactor = (short) replicationFactor;
            return this;
        }

        /**
         * @param create whether the bus creates missing topics (false: they must exist; the bus fails at start
         *     when its topic is missing)
         * @return this builder
         */
        public Builder createTopics(boolean create) {
            this.createTopics = create;
            return this;
        }

        /**
         * @param prefix prefix of every consumer group id, {@code [A-Za-z0-9._-]{0,100}}
         * @return this builder
         */
        public Builder groupIdPrefix(String prefix) {
            if (prefix == null || !GROUP_PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException(
                        "groupIdPrefix must match [A-Za-z0-9._-]{0,100} (was '" + prefix + "')");
            }
            this.groupIdPrefix = prefix;
            return this;
        }

        /**
         * @param concurrency the least handler concurrency of every subscription, 1 to 256
         * @return this builder
         */
        public Builder handlerConcurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException(
                        "handlerConcurrency must be between 1 and 256 (was " + concurrency + ")");
            }
            this.handlerConcurrency = concurrency;
            return this;
        }

        /**
         * @param records records per poll ({@code max.poll.records}), 1 to 10,000
         * @return this builder
         */
        public Builder batchSize(int records) {
            if (records < 1 || records > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000 (was " + records + ")");
            }
            this.batchSize = records;
            return this;
        }

        /**
         * @param records records a consumer holds at most, 1 to 1,000,000 (default 2 × batchSize)
         * @return this builder
         */
        public Builder maxInFlight(int records) {
            if (records < 1 || records > 1_000_000) {
                throw new IllegalArgumentException("maxInFlight must be between 1 and 1000000 (was " + records + ")");
            }
            this.maxInFlight = records;
            return this;
        }

        /**
         * @param timeout how long one poll waits, 1 ms to 10 s
         * @return this builder
         */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = within("pollTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10));
            return this;
        }

        /**
         * @param linger how long the producer waits to fill a batch, 0 to 1 s
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = within("linger", linger, Duration.ZERO, Duration.ofSeconds(1));
            return this;
        }

        /**
         * @param bytes the producer's batch size per partition, 1 KiB to 16 MiB
         * @return this builder
         */
        public Builder batchBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("batchBytes must be between 1024 and 16777216 (was " + bytes + ")");
            }
            this.batchBytes = bytes;
            return this;
        }

        /**
         * @param compression none, gzip, snappy, lz4 or zstd
         * @return this builder
         */
        public Builder compression(String compression) {
            String c = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
            if (!COMPRESSION.contains(c)) {
                throw new IllegalArgumentException(
                        "compression must be none, gzip, snappy, lz4 or zstd (was '" + compression + "')");
            }
            this.compression = c;
            return this;
        }

        /**
         * @param timeout the consumer group session timeout, 1 s to 30 min (the broker bounds it further with
         *     group.min/max.session.timeout.ms)
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = within("sessionTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(30));
            return this;
        }

        /**
         * @param interval the longest pause between polls, 1 s to 1 h
         * @return this builder
         */
        public Builder maxPollInterval(Duration interval) {
            this.maxPollInterval = within("maxPollInterval", interval, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * @param protocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
         * @return this builder
         */
        public Builder securityProtocol(String protocol) {
            String p = protocol == null ? "" : protocol.trim().toUpperCase(Locale.ROOT);
            if (!PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("securityProtocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
                        + " (was '" + protocol + "')");
            }
            this.securityProtocol = p;
            return this;
        }

        /**
         * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (others: set kafka.sasl.mechanism and
         *     kafka.sasl.jaas.config)
         * @return this builder
         */
        public Builder saslMechanism(String mechanism) {
            String m = mechanism == null ? "" : mechanism.trim().toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(m)) {
                throw new IllegalArgumentException("saslMechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (was '"
                        + mechanism + "'); for others set kafka.sasl.mechanism and kafka.sasl.jaas.config");
            }
            this.saslMechanism = m;
            return this;
        }

        /**
         * SASL credentials (used with {@code saslMechanism}; the security protocol defaults to SASL_SSL).
         *
         * @param username the user name
         * @param password the password; masked everywhere
         * @return this builder
         */
        public Builder credentials(String username, String password) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("the kafka user name must not be blank");
            }
            this.username = username;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * @param clientId the client id prefix of the bus's clients, {@code [A-Za-z0-9._-]{1,100}}
         * @return this builder
         */
        public Builder clientId(String clientId) {
            if (clientId == null || !Pattern.matches("[A-Za-z0-9._-]{1,100}", clientId)) {
                throw new IllegalArgumentException(
                        "clientId must match [A-Za-z0-9._-]{1,100} (was '" + clientId + "')");
            }
            this.clientId = clientId;
            return this;
        }

        /**
         * A Kafka client property for the bus's producer, consumers and admin client (for example
         * {@code ssl.truststore.location}); a URI passes them as {@code kafka.<name>=<value>}.
         *
         * @param name the property name
         * @param value its value; masked in toString and logs when {@link #isSecret(String)}
         * @return this builder
         * @throws IllegalArgumentException for a property the bus sets itself
         */
        public Builder clientProperty(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a kafka. client property needs a name");
            }
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("kafka." + name + " is set by the event bus and cannot be changed"
                        + " (the bus needs it for its delivery guarantees)");
            }
            clientProperties.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        private static Duration within(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        name + " must be between " + min + " and " + max + " (was " + d + ")");
            }
            return d;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException when settings contradict each other
         */
        public KafkaEventBusConfig build() {
            if (bootstrapServers.isEmpty()) {
                throw new IllegalArgumentException("bootstrapServers must be set (host:port[,host:port])");
            }
            if (maxInFlight == -1) {
                maxInFlight = Math.min(1_000_000, batchSize * 2);
            }
            if (maxInFlight < batchSize) {
                throw new IllegalArgumentException(
                        "maxInFlight must be >= batchSize (was " + maxInFlight + " < " + batchSize + ")");
            }
            if (username != null && securityProtocol != null && !securityProtocol.startsWith("SASL")) {
                throw new IllegalArgumentException("credentials were given but securityProtocol is " + securityProtocol
                        + ": use SASL_SSL or SASL_PLAINTEXT, or drop the user info from the URI");
            }
            return new KafkaEventBusConfig(this);
        }
    }
}
