package dev.adxcore.platform.events.redis.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon thread factories that log what escapes a thread. */
final class Threads {

    private Threads() {}

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(
                    (thread, e) -> RedisStreamsEventBus.log.error("Uncaught exception in {}", thread.getName(), e));
            return t;
        };
    }
}
