package dev.adxcore.platform.events.spi;

import dev.adxcore.platform.events.DeadLetter;
import java.util.List;

/**
 * The transport half of one consumer: how records are read, acknowledged, given back and dead-lettered. The
 * {@link DeliveryEngine} runs everything else (see the package description). One instance per consumer
 * (per {@code subscribe} call).
 *
 * <p><b>Threads.</b> {@link #fetch}, {@link #close} and anything the transport does from inside {@code fetch}
 * (such as {@link EngineConsumer#revoke}) run on the consumer's fetch thread, one call at a time, so a
 * client that is not thread-safe (a Kafka consumer) may be used from them alone. {@link #acknowledge},
 * {@link #release} and {@link #deadLetter} are called from handler threads, concurrently: make them
 * thread-safe and cheap (queue work for the fetch thread when the client demands it). {@link #wakeUp} may be
 * called from any thread.
 *
 * <p><b>Exactly one outcome per record.</b> For each {@link Inbound} returned by {@code fetch}, the engine calls
 * exactly one of {@link #acknowledge} (handled, skipped by the filter, or dead-lettered after
 * {@link #deadLetter} returned) or {@link #release} (given back unhandled: the consumer is stopping, or the
 * record was revoked). Until then the record is the consumer's: the transport must not redeliver it elsewhere
 * while this consumer is alive.
 *
 * @param <R> the transport's handle of one record
 * @since 0.1.0
 */
public interface ConsumerTransport<R> {

    /**
     * Called once on the fetch thread before the first {@link #fetch}, with the consumer that runs this
     * transport (for {@link EngineConsumer#revoke} from a rebalance callback). The default does nothing.
     *
     * @param consumer the engine's consumer of this transport
     */
    default void started(EngineConsumer<R> consumer) {}

    /**
     * Reads the next records, waiting a bounded time (the transport's own poll or block time, a few seconds at
     * most) when there are none. Records of one ordering key must be returned in their order; records this
     * consumer claimed from dead consumers may be returned here too. Returns promptly after {@link #wakeUp()}.
     *
     * <p>{@code max} is a hint: how many records the engine can take now without exceeding the consumer's
     * in-flight limit. It is 0 when the limit is reached; then the transport does only its housekeeping
     * (heartbeats, commits, rebalances; a paused Kafka consumer still polls) and returns promptly. A transport
     * may return more than {@code max} (a Kafka poll cannot be cut short); the engine takes them all.
     *
     * @param max how many records the engine wants, 0 or more
     * @return the records, in order; empty when none arrived in time
     * @throws Exception on a transport failure: the engine counts it ({@code platform.events.consumer.errors}),
     *     logs it (the first, then every 50th), waits (50 ms doubling to 2 s) and calls {@code fetch} again
     */
    List<Inbound<R>> fetch(int max) throws Exception;

    /**
     * The record was handled (or skipped, or its dead letter stored): the transport may forget it. Called from
     * handler threads; must not block for long (batch and send asynchronously).
     *
     * @param inbound the record
     */
    void acknowledge(Inbound<R> inbound);

    /**
     * The engine gives the record back unhandled (the consumer is stopping, or the record was revoked): it must
     * be delivered again, here or to another consumer. The default does nothing, which suits transports that
     * redeliver what was never acknowledged.
     *
     * @param inbound the record
     */
    default void release(Inbound<R> inbound) {}

    /**
     * Stores a dead letter durably; returns only once it is stored. The engine then calls
     * {@link #acknowledge}; when this throws, the engine logs, counts and tries again after a backoff (the
     * record stays unacknowledged and its aggregate's later events wait), until it succeeds or the consumer
     * stops. Called from a handler thread; may block up to the transport's timeout.
     *
     * @param inbound the record
     * @param deadLetter the event and why it failed
     * @throws Exception when the dead letter could not be stored
     */
    void deadLetter(Inbound<R> inbound, DeadLetter deadLetter) throws Exception;

    /**
     * Makes a blocked {@link #fetch} return soon; called when the consumer stops. The default does nothing
     * (the fetch returns after its own wait). May be called from any thread, more than once.
     */
    default void wakeUp() {}

    /**
     * Called once on the fetch thread after the last {@code fetch}, when every record has had its outcome (or
     * the stop timeout passed): flush acknowledgements, commit, close connections. Must not throw.
     */
    default void close() {}
}
