package dev.adxcore.platform.examples.gateway.internal;

import java.util.List;

/**
 * Who a verified token says the caller is. Every value is safe to put in an HTTP header (checked by
 * {@link TokenVerifier}).
 *
 * @param userId the {@code sub} claim
 * @param tenantId the tenant claim
 * @param roles the roles claim, possibly empty
 * @param expiresAtMillis the {@code exp} claim in epoch milliseconds
 */
public record Identity(String userId, String tenantId, List<String> roles, long expiresAtMillis) {}
