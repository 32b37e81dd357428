package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.temporal.PermissionChecker;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the template's permission step from the caller's roles: the ones the gateway vouched for in the
 * request that started the workflow ({@code X-Roles}), which travel with the workflow's
 * {@link PlatformContext} in its Temporal headers. No caller or no required role: deny. Trust: the roles are
 * as trustworthy as the Temporal service that stores the start request (anyone who may start workflows on
 * the task queue can claim roles), so the task queue must be reachable only by this service.
 */
public final class RolesPermissionChecker implements PermissionChecker {

    /** Which roles may run which operation. */
    static final Map<String, Set<String>> REQUIRED_ROLES =
            Map.of(OnboardingWorkflow.OPERATION, Set.of("admin", "user-admin"));

    private static final Logger log = LoggerFactory.getLogger(RolesPermissionChecker.class);

    @Override
    public boolean isPermitted(PlatformContext context, String operation) {
        Set<String> required = REQUIRED_ROLES.get(operation);
        if (required == null || context.userId().isEmpty()) {
            log.info("Denied {}: {}", operation, required == null ? "no roles are configured for it" : "no caller");
            return false;
        }
        boolean permitted = context.roles().stream().anyMatch(required::contains);
        log.info(
                "{} {} for caller {} with roles {} (needs one of {})",
                permitted ? "Permitted" : "Denied",
                operation,
                context.userId().get(),
                context.roles(),
                required);
        return permitted;
    }
}
