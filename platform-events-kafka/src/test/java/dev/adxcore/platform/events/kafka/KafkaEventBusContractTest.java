package dev.adxcore.platform.events.kafka;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusContract;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.test.KafkaServer;
import dev.adxcore.platform.test.PlatformTest;
import java.time.Duration;

/** The Kafka bus meets the same contract as the in-memory and Redis buses, against a real broker. */
@PlatformTest
class KafkaEventBusContractTest extends EventBusContract {

    private final KafkaServer kafka;

    KafkaEventBusContractTest(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @Override
    protected EventBus createBus(EventBusOptions options) {
        return EventBuses.open(
                kafka.uri() + "?topic=" + kafka.topic("events") + "&partitions=4&sessionTimeout=6s", options);
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }
}
