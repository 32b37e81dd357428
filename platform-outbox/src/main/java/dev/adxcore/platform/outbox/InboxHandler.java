package dev.adxcore.platform.outbox;

import dev.adxcore.platform.database.Handle;
import dev.adxcore.platform.events.Event;

/**
 * A handler whose database changes commit together with the inbox entry that marks the event as handled
 * (see {@link Inbox}).
 *
 * <p>Called on the bus's handler threads inside an open transaction, so each call costs a pooled connection for
 * as long as it runs: keep it short. Must be thread-safe when the subscription's concurrency is above 1.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface InboxHandler {

    /**
     * Handles an event that this subscription has not handled before.
     *
     * @param event the event
     * @param handle the read-write unit of work of the event's tenant; write through it (or through
     *        repositories, which join it). Changes outside the database are not covered by the inbox.
     * @throws Exception to fail the attempt: the unit (the handler's changes and the inbox entry) is rolled
     *         back and the bus retries per the subscription's retry policy
     */
    void handle(Event event, Handle handle) throws Exception;
}
