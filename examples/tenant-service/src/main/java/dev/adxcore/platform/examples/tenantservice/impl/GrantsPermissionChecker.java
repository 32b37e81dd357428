package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.ReadConsistency;
import dev.adxcore.platform.temporal.PermissionChecker;
import java.sql.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the template's permission step from the caller's roles. The roles are the ones the gateway
 * vouched for in the request that started the workflow ({@code X-Roles}), recorded in
 * {@code request_grants} in the same transaction as the new user, keyed by tenant, correlation id and
 * caller. Workers in any process see them; no row, no user in the context, or no required role: deny.
 */
public final class GrantsPermissionChecker implements PermissionChecker {

    /** Which roles may run which operation. */
    static final Map<String, Set<String>> REQUIRED_ROLES = Map.of(OnboardingWorkflow.OPERATION, Set.of("admin", "user-admin"));

    private static final Logger log = LoggerFactory.getLogger(GrantsPermissionChecker.class);

    private final DatabaseManager db;

    /** @param db the database holding {@code request_grants} */
    public GrantsPermissionChecker(DatabaseManager db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public boolean isPermitted(PlatformContext context, String operation) {
        Set<String> required = REQUIRED_ROLES.get(operation);
        Optional<String> caller = context.userId();
        if (required == null || caller.isEmpty()) {
            log.info("Denied {}: {}", operation, required == null ? "no roles are configured for it" : "no caller");
            return false;
        }
        UUID tenant = context.requireTenantId();
        List<String> roles = db.read(tenant, ReadConsistency.latest(), h -> h.queryOne(
                "SELECT roles FROM request_grants WHERE correlation_id = ? AND caller_id = ?",
                row -> {
                    Array a = row.getArray(1);
                    return Arrays.asList((String[]) a.getArray());
                }, context.correlationId(), caller.get())).orElse(List.of());
        boolean permitted = roles.stream().anyMatch(required::contains);
        log.info("{} {} for caller {} with roles {} (needs one of {})", permitted ? "Permitted" : "Denied", operation,
                caller.get(), roles, required);
        return permitted;
    }
}
