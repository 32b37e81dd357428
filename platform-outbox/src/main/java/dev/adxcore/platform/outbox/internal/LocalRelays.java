package dev.adxcore.platform.outbox.internal;

import dev.adxcore.platform.database.DatabaseManager;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jspecify.annotations.Nullable;

/**
 * The relays started in this JVM, by the database they relay from. A recorder whose database has a local relay
 * wakes it after the commit instead of calling {@code pg_notify}: PostgreSQL serialises the commits of notifying
 * transactions (each holds the notification queue's lock through its commit), which halved the throughput of
 * concurrent recording units. Relays of other instances still find these events by their own local wake-ups or
 * their poll interval.
 *
 * <p>Thread-safe (a concurrent map); a wake-up costs a map lookup and one call per local relay.
 */
public final class LocalRelays {

    private static final Map<String, Set<Runnable>> RELAYS = new ConcurrentHashMap<>();

    private LocalRelays() {}

    /**
     * The key of a database: its primary JDBC URL without query parameters (the same server and database for
     * the application's and the relay's managers, which differ in their role).
     *
     * @param db the database manager
     * @return the key
     */
    public static String key(DatabaseManager db) {
        String url = db.config().primaryUrl();
        int q = url.indexOf('?');
        return (q < 0 ? url : url.substring(0, q)).toLowerCase(Locale.ROOT);
    }

    /**
     * Registers a started relay's wake-up.
     *
     * @param key the database key
     * @param wake wakes the relay's workers (cheap, idempotent, never blocks)
     */
    public static void register(String key, Runnable wake) {
        RELAYS.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(wake);
    }

    /**
     * Removes a relay's wake-up (on close).
     *
     * @param key the database key
     * @param wake the wake-up given to {@link #register}
     */
    public static void unregister(String key, Runnable wake) {
        RELAYS.computeIfPresent(key, (k, set) -> {
            set.remove(wake);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * The wake-ups of the relays running in this JVM on a database, or null when none runs.
     *
     * @param key the database key
     * @return the wake-ups, or null
     */
    public static @Nullable Set<Runnable> of(String key) {
        Set<Runnable> set = RELAYS.get(key);
        return set == null || set.isEmpty() ? null : set;
    }
}
