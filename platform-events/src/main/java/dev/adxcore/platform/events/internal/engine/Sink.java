package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.DeadLetter;

/**
 * Where a {@link Lanes} sends the outcome of each delivery: exactly one of {@link #acknowledge} or
 * {@link #release} per delivery, {@link #deadLetter} before the acknowledgement of a dead letter. Internal.
 * Called from the engine's handler and timer threads: implementations must be thread-safe and cheap.
 */
public interface Sink {
    /** @param d handled, skipped, or dead-lettered */
    void acknowledge(Delivery d);

    /** @param d given back unhandled */
    void release(Delivery d);

    /**
     * Stores the dead letter; returns once it is stored.
     *
     * @param d the delivery
     * @param letter the dead letter
     * @throws Exception when it could not be stored (the engine retries)
     */
    void deadLetter(Delivery d, DeadLetter letter) throws Exception;
}
