package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The JVM's shared broker: a real Kafka reached by plain clients, a topic prefix per test class. */
@PlatformTest
class KafkaKitTest {

    @Test
    void recordsRoundTripThroughTheSharedBroker(KafkaServer kafka) throws Exception {
        String topic = kafka.topic("greetings");
        createTopic(kafka, topic);

        try (KafkaProducer<String, String> producer = producer(kafka)) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get(20, TimeUnit.SECONDS);
        }

        assertThat(readAll(kafka, topic, 1)).extracting(ConsumerRecord::value).containsExactly("hello");
    }

    @Test
    void topicPrefixNamesTheTestClassAndIsUnique(KafkaServer kafka) {
        assertThat(kafka.topicPrefix()).matches("t\\.kafkakittest\\.[0-9a-f]{8}\\.");
        assertThat(kafka.topic("orders")).isEqualTo(kafka.topicPrefix() + "orders");
        assertThat(kafka.uri()).isEqualTo("kafka://" + kafka.bootstrapServers());
        assertThat(kafka.source()).isEqualTo("local");
    }

    @Test
    void theSharedBrokerCannotBeStoppedByOneClass(KafkaServer kafka) {
        assertThat(kafka.canControlServer()).isFalse();
        assertThatThrownBy(kafka::stop)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("@PlatformTest(isolatedServers = true) or TestServers.privateKafka()");
        assertThatThrownBy(kafka::proxy)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("freeze or proxy it");
    }

    static void createTopic(KafkaServer kafka, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    static KafkaProducer<String, String> producer(KafkaServer kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static List<ConsumerRecord<String, String>> readAll(KafkaServer kafka, String topic, int atLeast) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
