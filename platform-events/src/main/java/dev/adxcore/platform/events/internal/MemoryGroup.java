package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.internal.engine.Delivery;
import dev.adxcore.platform.events.internal.engine.Engine;
import dev.adxcore.platform.events.internal.engine.Lanes;
import dev.adxcore.platform.events.internal.engine.Sink;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one subscription id in an in-memory bus: one {@link Lanes} of the bus's engine whose members
 * are the consumers, a capacity of {@code capacity} slots (a delivery holds one from publish until it is
 * acknowledged, dead-lettered or dropped) and the id's dead letters. Internal.
 */
final class MemoryGroup implements Sink {

    private static final Logger log = LoggerFactory.getLogger(MemoryGroup.class);

    final String id;
    final int capacity;
    final Semaphore slots;
    final Lanes lanes;
    final java.util.List<Consumer> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DeadLetterStore deadLetters;

    MemoryGroup(Engine engine, String id, int capacity, DeadLetterStore deadLetters) {
        this.id = id;
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
        this.deadLetters = deadLetters;
        this.lanes = new Lanes(engine, id, this, false);
    }

    /**
     * Takes a slot for one delivery.
     *
     * @param block whether to wait for room
     * @param timeoutNanos how long to wait
     * @return whether a slot was taken
     */
    boolean reserve(boolean block, long timeoutNanos) throws InterruptedException {
        if (slots.tryAcquire()) {
            return true;
        }
        return block && slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void acknowledge(Delivery d) {
        slots.release();
    }

    @Override
    public void release(Delivery d) {
        slots.release(); // dropped: nothing is persisted in memory
    }

    @Override
    public void deadLetter(Delivery d, DeadLetter letter) {
        String dropped = deadLetters.add(letter);
        if (dropped != null) {
            log.warn(
                    "Dead letters of subscription {} are at capacity ({}): dropped the oldest, event {}",
                    id,
                    deadLetters.capacity(),
                    dropped);
        }
    }

    int pending() {
        return lanes.pending();
    }
}
