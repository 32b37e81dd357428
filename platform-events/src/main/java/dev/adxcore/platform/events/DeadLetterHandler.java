package dev.adxcore.platform.events;

/**
 * Told when a subscription gives up on an event. Called after the bus has recorded the dead letter
 * (so it can be listed and replayed with {@link EventBus#deadLetters(String, int)} and
 * {@link EventBus#replayDeadLetters(String)}); an exception thrown here is logged and ignored.
 *
 * <p>Called on the bus's handler or timer threads, possibly for several events at once: implementations must
 * be thread-safe and should be cheap, since the record is acknowledged only after the call returns.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DeadLetterHandler {

    /**
     * @param deadLetter the event and why it failed
     */
    void onDeadLetter(DeadLetter deadLetter);
}
