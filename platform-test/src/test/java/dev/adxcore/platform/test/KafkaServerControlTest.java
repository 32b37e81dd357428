package dev.adxcore.platform.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A private broker: killed and started again on the same port with its data, and gone when the JVM that started
 * it is killed (the broker's JVM watches its parent).
 */
class KafkaServerControlTest {

    @Test
    void aKilledBrokerStartsAgainOnItsPortWithItsData() throws Exception {
        try (KafkaServer kafka = TestServers.privateKafka()) {
            assertThat(kafka.canControlServer()).isTrue();
            String topic = kafka.topic("kept");
            KafkaKitTest.createTopic(kafka, topic);
            try (KafkaProducer<String, String> producer = KafkaKitTest.producer(kafka)) {
                producer.send(new ProducerRecord<>(topic, "k", "before the crash"))
                        .get(20, TimeUnit.SECONDS);
            }
            String address = kafka.bootstrapServers();

            kafka.kill();
            assertThat(answers(address)).as("port answers after kill").isFalse();
            kafka.start();

            assertThat(kafka.bootstrapServers()).isEqualTo(address);
            assertThat(KafkaKitTest.readAll(kafka, topic, 1))
                    .extracting(r -> r.value())
                    .containsExactly("before the crash");
        }
    }

    @Test
    void aFrozenBrokerHoldsASendUntilThawed() throws Exception {
        try (KafkaServer kafka = TestServers.privateKafka()) {
            String topic = kafka.topic("frozen");
            KafkaKitTest.createTopic(kafka, topic);
            try (KafkaProducer<String, String> producer = KafkaKitTest.producer(kafka)) {
                producer.send(new ProducerRecord<>(topic, "k", "warm-up")).get(20, TimeUnit.SECONDS);
                kafka.freeze();
                java.util.concurrent.Future<?> sent;
                try {
                    sent = producer.send(new ProducerRecord<>(topic, "k", "while frozen"));
                    Thread.sleep(700);
                    assertThat(sent.isDone()).isFalse();
                } finally {
                    kafka.thaw();
                }
                sent.get(60, TimeUnit.SECONDS);
            }
            assertThat(KafkaKitTest.readAll(kafka, topic, 2))
                    .extracting(r -> r.value())
                    .containsExactly("warm-up", "while frozen");
        }
    }

    @Test
    void theBrokerStopsWhenTheJvmThatStartedItIsKilled() throws Exception {
        Process owner = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KafkaOwningMain.class.getName())
                .redirectErrorStream(true)
                .start();
        String address = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("KAFKA ")) {
                    address = line.substring(6).trim();
                    break;
                }
            }
            assertThat(address)
                    .as("the child JVM printed its broker; output:%n%s", output)
                    .isNotNull();
            assertThat(answers(address)).isTrue();

            owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
            owner.waitFor(10, TimeUnit.SECONDS);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (answers(address) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(answers(address)).as("the orphaned broker halted").isFalse();
        } finally {
            owner.destroyForcibly();
        }
    }

    private static boolean answers(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(
                    new InetSocketAddress(
                            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A JVM that starts a private broker, prints its address and waits to be killed. */
    static final class KafkaOwningMain {
        private KafkaOwningMain() {}

        public static void main(String[] args) throws Exception {
            KafkaServer kafka = TestServers.privateKafka();
            System.out.println("KAFKA " + kafka.bootstrapServers());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
