package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.database.DatabaseManager;

/**
 * The outbox relay's own pool, connected as the relay role. Held in this wrapper rather than as a
 * {@code DatabaseManager} bean, so that the application's one {@code DatabaseManager} stays the only candidate
 * for injection. Closed with the context, after the relay that uses it. Immutable and thread-safe; the pool it
 * holds is expensive (its connections), so there is one per context.
 *
 * @param manager the relay role's database manager
 */
public record OutboxRelayDatabase(DatabaseManager manager) implements AutoCloseable {

    @Override
    public void close() {
        manager.close();
    }
}
