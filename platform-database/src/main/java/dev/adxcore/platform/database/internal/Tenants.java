package dev.adxcore.platform.database.internal;

import dev.adxcore.platform.database.TenantNotSetException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Validates the tenant handed to a public entry point: neither null nor the nil UUID. Thread-safe (stateless);
 * constant time.
 */
public final class Tenants {

    private static final UUID NIL = new UUID(0L, 0L);

    private Tenants() {}

    /**
     * Returns the tenant if it is a real one.
     *
     * @param tenantId the caller's tenant
     * @param where the entry point, for the message (for example {@code "DatabaseManager.read"})
     * @return the tenant
     * @throws TenantNotSetException when the tenant is null or the nil UUID
     */
    public static UUID require(@Nullable UUID tenantId, String where) {
        if (tenantId == null) {
            throw new TenantNotSetException(
                    where + " needs a tenant but got null: pass the request's tenant "
                            + "(PlatformContext.current().tenant()), or use the tenant-less overload for tables that are not per tenant",
                    null);
        }
        if (NIL.equals(tenantId)) {
            throw new TenantNotSetException(
                    where + " got the nil UUID 00000000-0000-0000-0000-000000000000 as tenant, "
                            + "which is never a tenant: pass the request's real tenant id",
                    null);
        }
        return tenantId;
    }
}
