package dev.adxcore.platform.examples.tenantservice;

import java.util.UUID;

/**
 * Sends the welcome message of a new user: called by the service's {@code user.created} consumer, outside
 * the request that created the user. A failure (an exception) is retried with backoff by the event bus and
 * ends in the subscription's dead letters when the retries run out; it never fails the request.
 *
 * <p>Implementations must be thread-safe and should be idempotent: delivery is at least once.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WelcomeNotifier {

    /**
     * Sends the welcome message.
     *
     * @param tenantId the user's tenant
     * @param userId the new user's id
     * @param email the address to write to
     * @param displayName the user's name
     * @throws Exception when the message could not be sent (the event is retried)
     */
    void welcome(UUID tenantId, UUID userId, String email, String displayName) throws Exception;
}
