package dev.adxcore.platform.events.redis;

import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusContract;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.RedisServer;
import java.net.URI;

/** The Redis Streams bus meets the same contract as the in-memory bus, against a real Redis server. */
@PlatformTest
class RedisEventBusContractTest extends EventBusContract {

    private final RedisServer redis;

    RedisEventBusContractTest(RedisServer redis) {
        this.redis = redis;
    }

    @Override
    protected EventBus createBus(EventBusOptions options) {
        return EventBuses.open(
                URI.create(redis.uri() + "?streamKeyPrefix=" + redis.key("events:") + "&blockTime=500ms"), options);
    }
}
