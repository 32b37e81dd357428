package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.InvalidEventException;
import java.util.Map;

/**
 * Checks an event's CloudEvents JSON size against a limit without serialising it in the common case.
 *
 * <p>An upper bound is computed from the attribute lengths (data is written raw, at most 3 UTF-8 bytes per
 * char; an attribute string at most 6 bytes per char once escaped, plus names and punctuation). Only when
 * that bound exceeds the limit is the event written to measure its exact size. Internal: not part of the API.
 *
 * <p>Thread-safe (stateless); the common check costs a pass over the attribute lengths and allocates nothing.
 */
public final class EventSize {

    /** Field names, quotes, colons, commas and the fixed values, generously. */
    private static final int ENVELOPE_OVERHEAD = 512;
    /** Per extension: quotes, colon, comma and a 20-character name. */
    private static final int PER_EXTENSION_OVERHEAD = 32;

    private EventSize() {}

    /**
     * Rejects an event whose CloudEvents JSON form is larger than the limit.
     *
     * @param event the event
     * @param maxEventBytes the limit in bytes
     * @throws InvalidEventException naming the size, the limit and the event
     */
    public static void requireWithin(Event event, int maxEventBytes) {
        if (upperBound(event) <= maxEventBytes) {
            return;
        }
        int exact = exactBytes(event);
        if (exact > maxEventBytes) {
            throw new InvalidEventException("event " + event.id() + " of type " + event.type() + " is " + exact
                    + " bytes as CloudEvents JSON, above the limit of " + maxEventBytes
                    + " bytes (EventBusOptions.maxEventBytes): put large payloads in storage and send a reference");
        }
    }

    /**
     * @param event the event
     * @return the exact size of its UTF-8 CloudEvents JSON form, in bytes
     */
    public static int exactBytes(Event event) {
        return CloudEventJson.writeBytes(event).length;
    }

    /**
     * @param event the event
     * @return a cheap upper bound of {@link #exactBytes(Event)}
     */
    public static long upperBound(Event event) {
        long chars = event.id().length()
                + event.source().toString().length()
                + event.type().length()
                + event.correlationId().length()
                + event.subject().map(String::length).orElse(0)
                + (event.tenantId().isPresent() ? 36 : 0)
                + event.causationId().map(String::length).orElse(0)
                + event.userId().map(String::length).orElse(0)
                + event.aggregateId().map(String::length).orElse(0)
                + event.aggregateType().map(String::length).orElse(0)
                + event.sourceService().map(String::length).orElse(0);
        long bound = ENVELOPE_OVERHEAD + 6 * chars + 3L * event.data().length();
        for (Map.Entry<String, Object> e : event.extensions().entrySet()) {
            bound += PER_EXTENSION_OVERHEAD + 6L * e.getValue().toString().length();
        }
        return bound;
    }
}
