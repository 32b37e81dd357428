package dev.adxcore.platform.test;

import dev.adxcore.platform.test.internal.KafkaDiscovery;
import dev.adxcore.platform.test.internal.KafkaHost;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The JVM's Kafka brokers: one shared broker, found or started on first use, and private ones for owners that
 * stop and start them. Every broker the kit started is stopped by a shutdown hook (and halts by itself when
 * this JVM dies). Thread-safe.
 */
final class KafkaServers {
    private static final Set<KafkaHost> OPEN = ConcurrentHashMap.newKeySet();
    private static @Nullable KafkaHost shared;
    private static @Nullable TestServersUnavailableException sharedFailure;

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (KafkaHost host : List.copyOf(OPEN)) {
                                try {
                                    host.close();
                                } catch (RuntimeException e) {
                                    LoggerFactory.getLogger(KafkaServers.class)
                                            .warn("Stopping a test Kafka broker failed", e);
                                }
                            }
                        },
                        "platform-test-kafka-shutdown"));
    }

    private KafkaServers() {}

    /** A new topic prefix on the JVM's shared broker. */
    static synchronized KafkaServer shared(String namePrefix) {
        if (sharedFailure != null) {
            throw new TestServersUnavailableException(String.valueOf(sharedFailure.getMessage()), sharedFailure);
        }
        if (shared == null) {
            try {
                shared = KafkaDiscovery.find(TestServerSettings.fromEnvironment());
                OPEN.add(shared);
            } catch (TestServersUnavailableException e) {
                sharedFailure = e;
                throw e;
            } catch (RuntimeException e) {
                sharedFailure = new TestServersUnavailableException(
                        "Kafka for the tests could not be started: " + e.getMessage(), e);
                throw sharedFailure;
            }
        }
        return new KafkaServer(shared, KafkaServer.prefixFor(namePrefix), false);
    }

    /** A broker for the caller alone; closing the handle stops it. */
    static KafkaServer isolated(TestServerSettings settings, String namePrefix) {
        KafkaHost host = KafkaDiscovery.find(settings);
        KafkaHost tracked = new KafkaHost() {
            @Override
            public dev.adxcore.platform.test.internal.Source source() {
                return host.source();
            }

            @Override
            public String bootstrapServers() {
                return host.bootstrapServers();
            }

            @Override
            public boolean controllable() {
                return host.controllable();
            }

            @Override
            public void stop() {
                host.stop();
            }

            @Override
            public void kill() {
                host.kill();
            }

            @Override
            public void start() {
                host.start();
            }

            @Override
            public void freeze() {
                host.freeze();
            }

            @Override
            public java.util.Optional<ProxyPath> proxyPath() {
                return host.proxyPath();
            }

            @Override
            public void thaw() {
                host.thaw();
            }

            @Override
            public void close() {
                OPEN.remove(this);
                host.close();
            }
        };
        OPEN.add(tracked);
        return new KafkaServer(tracked, KafkaServer.prefixFor(namePrefix), true);
    }
}
