package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The private broker's fault proxy: the broker advertises the proxy's port to clients bootstrapped through it, so
 * a blackhole or a delay reaches every request of theirs (not only the first metadata request), while clients of
 * {@link KafkaServer#bootstrapServers()} go on as before.
 */
@PlatformTest(isolatedServers = true)
class KafkaFaultProxyTest {

    private final KafkaServer kafka;

    KafkaFaultProxyTest(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @Test
    void theBrokerAdvertisesTheProxyToClientsBootstrappedThroughIt() throws Exception {
        FaultProxy proxy = kafka.proxy();
        assertThat(kafka.proxy()).isSameAs(proxy);
        assertThat(proxy.url()).isEqualTo("127.0.0.1:" + proxy.port());
        assertThat(kafka.uri(proxy)).isEqualTo("kafka://127.0.0.1:" + proxy.port());

        assertThat(nodes(proxy.url())).extracting(Node::port).containsExactly(proxy.port());
        assertThat(nodes(kafka.bootstrapServers()))
                .extracting(n -> n.host() + ":" + n.port())
                .containsExactly(kafka.bootstrapServers());
    }

    @Test
    void aBlackholedProxyHoldsASendOfAClientBehindItUntilRestored() throws Exception {
        String topic = kafka.topic("blackhole");
        KafkaKitTest.createTopic(kafka, topic);
        FaultProxy proxy = kafka.proxy();
        try (KafkaProducer<String, String> behind = producer(proxy.url());
                KafkaProducer<String, String> direct = KafkaKitTest.producer(kafka)) {
            behind.send(new ProducerRecord<>(topic, "k", "warm-up")).get(30, TimeUnit.SECONDS);
            proxy.blackhole();
            Future<?> held;
            try {
                held = behind.send(new ProducerRecord<>(topic, "k", "behind the blackhole"));
                direct.send(new ProducerRecord<>(topic, "k", "direct")).get(30, TimeUnit.SECONDS);
                Thread.sleep(700);
                assertThat(held.isDone())
                        .as("a send through the blackholed proxy")
                        .isFalse();
            } finally {
                proxy.restore();
            }
            held.get(60, TimeUnit.SECONDS);
        }
        assertThat(KafkaKitTest.readAll(kafka, topic, 3))
                .extracting(r -> r.value())
                .containsExactlyInAnyOrder("warm-up", "direct", "behind the blackhole");
    }

    @Test
    void sendsGoThroughASlowProxyAndThroughItAfterACrash() throws Exception {
        String topic = kafka.topic("slow");
        KafkaKitTest.createTopic(kafka, topic);
        FaultProxy proxy = kafka.proxy();
        proxy.latency(Duration.ofMillis(100));
        try (KafkaProducer<String, String> behind = producer(proxy.url())) {
            behind.send(new ProducerRecord<>(topic, "k", "slow")).get(60, TimeUnit.SECONDS);
            proxy.restore();
            kafka.crash();
            kafka.start();
            behind.send(new ProducerRecord<>(topic, "k", "after the crash")).get(60, TimeUnit.SECONDS);
        }
        assertThat(KafkaKitTest.readAll(kafka, topic, 2))
                .extracting(r -> r.value())
                .containsExactly("slow", "after the crash");
    }

    private static Collection<Node> nodes(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
