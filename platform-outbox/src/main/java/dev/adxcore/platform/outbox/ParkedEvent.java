package dev.adxcore.platform.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An event the relay parked instead of publishing: the bus refused it as invalid (or, with
 * {@link OutboxRelayConfig#maxAttempts()} set, publishing it failed that many times). Immutable.
 *
 * @param outboxId the row's id, for {@link OutboxRelay#requeue(long)}
 * @param tenantId the event's tenant
 * @param eventId the event's id
 * @param type the event's type
 * @param attempts publish attempts so far
 * @param parkedAt when it was parked
 * @param cause the exception class and message the bus gave
 * @since 0.1.0
 */
public record ParkedEvent(
        long outboxId, UUID tenantId, String eventId, String type, int attempts, Instant parkedAt, String cause) {}
