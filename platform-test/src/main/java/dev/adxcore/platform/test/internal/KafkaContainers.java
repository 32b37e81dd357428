package dev.adxcore.platform.test.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;

/** A Kafka broker as a Testcontainers container (KRaft, the apache/kafka image). Loaded only after Docker answered. */
final class KafkaContainers {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaContainers.class);

    private KafkaContainers() {}

    static KafkaHost start(String image) {
        KafkaContainer kafka = new KafkaContainer(image)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "1000")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        kafka.start();
        String bootstrap = kafka.getBootstrapServers();
        LOG.info("Kafka container {} started on {}", image, bootstrap);
        return new KafkaHost() {
            @Override
            public Source source() {
                return Source.TESTCONTAINERS;
            }

            @Override
            public String bootstrapServers() {
                return bootstrap;
            }

            @Override
            public void close() {
                kafka.stop();
            }
        };
    }
}
