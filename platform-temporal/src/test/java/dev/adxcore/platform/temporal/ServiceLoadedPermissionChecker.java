package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.PlatformContext;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A checker registered only through {@code src/test/service-loader/META-INF/services}, which the
 * {@code service-loader} surefire execution alone puts on the class path (the other tests must see no
 * ServiceLoader checker, or "none configured" could not be tested). Permits {@link #PERMITTED_TENANT} only,
 * and records every question it is asked.
 */
public final class ServiceLoadedPermissionChecker implements PermissionChecker {

    static final UUID PERMITTED_TENANT = UUID.fromString("5e7c1a00-0000-4000-8000-00000000beef");
    static final Queue<String> ASKED = new ConcurrentLinkedQueue<>();

    @Override
    public boolean isPermitted(PlatformContext context, String operation) {
        UUID tenant = context.requireTenantId();
        ASKED.add(tenant + " " + operation);
        return tenant.equals(PERMITTED_TENANT);
    }
}
