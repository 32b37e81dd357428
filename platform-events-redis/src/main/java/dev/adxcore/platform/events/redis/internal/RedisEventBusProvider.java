package dev.adxcore.platform.events.redis.internal;

import com.google.auto.service.AutoService;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBusOptions;
import dev.adxcore.platform.events.EventBusProvider;
import dev.adxcore.platform.events.redis.RedisEventBusConfig;
import java.net.URI;
import java.util.Locale;

/**
 * Creates Redis Streams buses for {@code redis://} and {@code rediss://} URIs. Stateless. Creating a bus is
 * expensive (a Redis client, its connections and threads).
 */
@AutoService(EventBusProvider.class)
public final class RedisEventBusProvider implements EventBusProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public RedisEventBusProvider() {}

    @Override
    public boolean supports(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            return false;
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        return s.equals("redis") || s.equals("rediss");
    }

    @Override
    public EventBus create(URI uri, EventBusOptions options) {
        return RedisStreamsEventBus.start(RedisEventBusConfig.fromUri(uri), options);
    }
}
