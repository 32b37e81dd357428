package dev.adxcore.platform.outbox.failure;

import dev.adxcore.platform.database.DatabaseConfig;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import dev.adxcore.platform.events.redis.RedisEventBuses;
import dev.adxcore.platform.outbox.OutboxRelay;
import dev.adxcore.platform.outbox.OutboxRelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;

/** A relay in its own JVM publishing to Redis through {@link SlowConfirmBus}. Args: jdbcUrl relayRole redisUri. */
public final class RelayProcessMain {

    private RelayProcessMain() {}

    public static void main(String[] args) throws Exception {
        DatabaseManager relayDb = DatabaseManager.create(DatabaseConfig.builder()
                .name("relay")
                .primaryUrl(args[0])
                .username(args[1])
                .minConnections(1)
                .maxConnections(4)
                .meterRegistry(new SimpleMeterRegistry())
                .build());
        SlowConfirmBus bus = new SlowConfirmBus(
                RedisEventBuses.open(
                        RedisEventBusConfig.fromUri(URI.create(args[2])),
                        EventBusOptions.builder()
                                .meterRegistry(new SimpleMeterRegistry())
                                .build()),
                400);
        OutboxRelay.create(
                        relayDb,
                        bus,
                        OutboxRelayConfig.builder()
                                .name("doomed")
                                .batchSize(40)
                                .partitionsPerBatch(8)
                                .pollInterval(Duration.ofMillis(100))
                                .meterRegistry(new SimpleMeterRegistry())
                                .build())
                .start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
