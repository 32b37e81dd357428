package dev.adxcore.platform.temporal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A checker registered only through {@code src/test/service-loader/META-INF/services}, which the
 * {@code service-loader} surefire execution alone puts on the class path (the other tests must see no
 * ServiceLoader checker, or "none configured" could not be tested). Permits {@link #PERMITTED_TENANT} only,
 * and records every question it is asked.
 */
public final class ServiceLoadedPermissionChecker implements PermissionChecker {

    static final String PERMITTED_TENANT = "tenant-permitted-by-service-loader";
    static final Queue<String> ASKED = new ConcurrentLinkedQueue<>();

    @Override
    public boolean isPermitted(WorkflowContext context, String operation) {
        ASKED.add(context.tenantId() + " " + operation);
        return context.tenantId().equals(PERMITTED_TENANT);
    }
}
