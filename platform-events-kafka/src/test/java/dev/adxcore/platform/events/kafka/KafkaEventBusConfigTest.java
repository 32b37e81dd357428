package dev.adxcore.platform.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaEventBusConfigTest {

    @Test
    void uriNamesTheBrokersAndEveryBusSetting() {
        KafkaEventBusConfig c = KafkaEventBusConfig.fromUri(URI.create("kafka://b1:9092,b2:9093?topic=orders.events"
                + "&partitions=12&replicationFactor=3&createTopics=false&groupIdPrefix=orders.&handlerConcurrency=4"
                + "&batchSize=200&maxInFlight=1000&pollTimeout=250ms&linger=10ms&batchBytes=65536&compression=lz4"
                + "&sessionTimeout=10s&maxPollInterval=2m&kafka.client.rack=eu-1a"));

        assertThat(c.bootstrapServers()).isEqualTo("b1:9092,b2:9093");
        assertThat(c.topic()).isEqualTo("orders.events");
        assertThat(c.deadLetterTopic("billing")).isEqualTo("orders.events.dlt.billing");
        assertThat(c.partitions()).isEqualTo(12);
        assertThat(c.replicationFactor()).isEqualTo((short) 3);
        assertThat(c.createTopics()).isFalse();
        assertThat(c.groupId("billing")).isEqualTo("orders.billing");
        assertThat(c.handlerConcurrency()).isEqualTo(4);
        assertThat(c.batchSize()).isEqualTo(200);
        assertThat(c.maxInFlight()).isEqualTo(1000);
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.linger()).isEqualTo(Duration.ofMillis(10));
        assertThat(c.batchBytes()).isEqualTo(65536);
        assertThat(c.compression()).isEqualTo("lz4");
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxPollInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.clientProperties()).containsEntry("client.rack", "eu-1a");
        assertThat(c.securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void defaultsSuitAFirstDeployment() {
        KafkaEventBusConfig c = KafkaEventBusConfig.fromUri(URI.create("kafka://localhost:9092"));

        assertThat(c.topic()).isEqualTo("platform.events");
        assertThat(c.partitions()).isEqualTo(6);
        assertThat(c.replicationFactor()).isEqualTo((short) -1);
        assertThat(c.createTopics()).isTrue();
        assertThat(c.groupId("billing")).isEqualTo("billing");
        assertThat(c.maxInFlight()).isEqualTo(1000);
        assertThat(c.linger()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void badValuesFailWithTheParameterTheValueAndTheRule() {
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?partitions=0")))
                .hasMessage("kafka URI parameter partitions must be between 1 and 10000 (was 0)");
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?pollTimeout=soon")))
                .hasMessage(
                        "kafka URI parameter pollTimeout must be a duration such as 250ms, 2s, 5m or PT2S (was 'soon')");
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?topic=bad/topic")))
                .hasMessage("kafka URI parameter topic must match [A-Za-z0-9._-]{1,140} (was 'bad/topic')");
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?colour=blue")))
                .hasMessageStartingWith("unknown kafka URI parameter 'colour' (bus parameters: topic, partitions");
        assertThatThrownBy(
                        () -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?kafka.enable.auto.commit=true")))
                .hasMessageContaining("kafka.enable.auto.commit is set by the event bus and cannot be changed");
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka://h:9092?batchSize=500&maxInFlight=10")))
                .hasMessage("maxInFlight must be >= batchSize (was 10 < 500)");
        assertThatThrownBy(() -> KafkaEventBusConfig.fromUri(URI.create("kafka:///")))
                .hasMessageStartingWith("kafka URI must name the brokers");
    }

    @Test
    void credentialsInTheUriMeanSaslSslWithAJaasConfigAndAreMaskedEverywhere() {
        KafkaEventBusConfig c = KafkaEventBusConfig.fromUri(URI.create(
                "kafka://app:s3cr%40t@b1:9093?saslMechanism=SCRAM-SHA-512&kafka.ssl.truststore.password=tr0ub4dor"));

        assertThat(c.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(c.saslMechanism()).hasValue("SCRAM-SHA-512");
        assertThat(c.securityProperties())
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" password=\"s3cr@t\";");
        assertThat(c.toString())
                .doesNotContain("s3cr@t")
                .doesNotContain("tr0ub4dor")
                .contains("username=app, password=****")
                .contains("ssl.truststore.password=****");
        assertThat(c.maskedUri()).isEqualTo("kafka://****@b1:9093?topic=platform.events");
        assertThat(KafkaEventBusConfig.mask("kafka://app:s3cr%40t@b1:9093?kafka.sasl.jaas.config=x%20y&topic=t"))
                .isEqualTo("kafka://****@b1:9093?kafka.sasl.jaas.config=****&topic=t");
    }

    @Test
    void aBusThatCannotConnectFailsWithoutShowingItsCredentials() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // nothing listens on port 1: the start fails within three publish timeouts
            assertThatThrownBy(() -> KafkaEventBuses.open(
                            KafkaEventBusConfig.fromUri(
                                    URI.create("kafka://app:hunter2@127.0.0.1:1?securityProtocol=SASL_PLAINTEXT")),
                            EventBusOptions.builder()
                                    .publishTimeout(Duration.ofSeconds(1))
                                    .build()))
                    .isInstanceOf(EventException.class)
                    .hasMessageContaining("127.0.0.1:1")
                    .satisfies(e -> assertThat(stackText(e)).doesNotContain("hunter2"));
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).as("log output").doesNotContain("hunter2");
    }

    private static String stackText(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
