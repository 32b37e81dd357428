package dev.adxcore.platform.events.spi;

import dev.adxcore.platform.events.Event;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One record a {@link ConsumerTransport} hands to the engine: the parsed event and the transport's own handle
 * of the record (a Redis stream entry id, a Kafka partition and offset), which the engine gives back in
 * {@link ConsumerTransport#acknowledge}, {@link ConsumerTransport#release} and
 * {@link ConsumerTransport#deadLetter}.
 *
 * <p>Three kinds: {@link #of an ordinary record}; a {@link #replay replayed dead letter} (delivered even when the
 * subscription's patterns no longer match it); and a {@link #rejected rejected record} that the engine
 * dead-letters at once without calling the handler (the transport could not parse it, or it exceeded a
 * delivery limit).
 *
 * <p>Immutable and thread-safe; cheap (one object per record).
 *
 * @param <R> the transport's record handle
 * @since 0.1.0
 */
public final class Inbound<R> {

    private final Event event;
    private final R record;
    private final boolean replay;
    private final @Nullable Throwable rejection;
    private final int attempts;

    private Inbound(Event event, R record, boolean replay, @Nullable Throwable rejection, int attempts) {
        this.event = Objects.requireNonNull(event, "event");
        this.record = Objects.requireNonNull(record, "record");
        this.replay = replay;
        this.rejection = rejection;
        this.attempts = attempts;
    }

    /**
     * An ordinary record: delivered when the subscription matches the event, acknowledged without a handler
     * call otherwise.
     *
     * @param event the parsed event
     * @param record the transport's handle of the record
     * @param <R> the handle type
     * @return the inbound record
     */
    public static <R> Inbound<R> of(Event event, R record) {
        return new Inbound<>(event, record, false, null, 0);
    }

    /**
     * A dead letter replayed to this subscription: delivered even when no type pattern matches it any more.
     *
     * @param event the event
     * @param record the transport's handle of the record
     * @param <R> the handle type
     * @return the inbound record
     */
    public static <R> Inbound<R> replay(Event event, R record) {
        return new Inbound<>(event, record, true, null, 0);
    }

    /**
     * A record the engine must dead-letter without calling the handler, for example one that is not a valid
     * event (then {@code event} is a stand-in that describes the raw record) or one delivered too often.
     *
     * @param event the event, or a stand-in for a malformed record
     * @param record the transport's handle of the record
     * @param cause why it is rejected; its class and message become the dead letter's cause
     * @param attempts the attempts to record, at least 1
     * @param <R> the handle type
     * @return the inbound record
     * @throws IllegalArgumentException when attempts is below 1
     */
    public static <R> Inbound<R> rejected(Event event, R record, Throwable cause, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1 (was " + attempts + ")");
        }
        return new Inbound<>(event, record, false, Objects.requireNonNull(cause, "cause"), attempts);
    }

    /** @return the event */
    public Event event() {
        return event;
    }

    /** @return the transport's handle of the record */
    public R record() {
        return record;
    }

    /** @return whether this is a replayed dead letter */
    public boolean isReplay() {
        return replay;
    }

    /** @return why the record is rejected, or null for a deliverable record */
    public @Nullable Throwable rejection() {
        return rejection;
    }

    /** @return the attempts recorded for a rejected record; 0 for the others */
    public int rejectedAttempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "Inbound{" + event + ", record=" + record + (replay ? ", replay" : "")
                + (rejection == null ? "" : ", rejected=" + rejection) + '}';
    }
}
