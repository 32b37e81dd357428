package dev.adxcore.platform.outbox.internal;

import dev.adxcore.platform.events.Event;
import org.jspecify.annotations.Nullable;

/**
 * How events map to ordering keys, partitions and advisory-lock keys (shared by the recorder and the relay).
 * Thread-safe (stateless); each call is a cheap hash of the key, no I/O.
 */
public final class Keys {

    /** Partitions of the outbox: the unit a relay instance owns (by lock) while it publishes. */
    public static final int PARTITIONS = 64;

    /** Advisory-lock class of the per-aggregate lock taken when an event is recorded ("obx" 1). */
    public static final int AGGREGATE_LOCK_CLASS = 0x6f627801;

    /** Advisory-lock class of the per-partition lock a relay holds while it publishes ("obx" 2). */
    public static final int PARTITION_LOCK_CLASS = 0x6f627802;

    /** The notification channel a commit with recorded events wakes the relays on. */
    public static final String CHANNEL = "platform_outbox";

    private Keys() {}

    /**
     * The event's ordering key: aggregate type and id, or null when the event has no aggregate.
     *
     * @param event the event
     * @return the key, or null
     */
    public static @Nullable String aggregateKey(Event event) {
        if (event.aggregateId().isEmpty()) {
            return null;
        }
        return event.aggregateType().orElse("") + '/' + event.aggregateId().get();
    }

    /**
     * A well-mixed 32-bit hash of a key (murmur3's finaliser over {@link String#hashCode()}, which the
     * Java specification fixes, so every JVM and version agrees).
     *
     * @param key the key
     * @return the hash
     */
    public static int hash(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * The partition of a key.
     *
     * @param key the ordering key (or the event id for events without an aggregate)
     * @return 0 to {@link #PARTITIONS} - 1
     */
    public static int partition(String key) {
        return Math.floorMod(hash(key), PARTITIONS);
    }
}
