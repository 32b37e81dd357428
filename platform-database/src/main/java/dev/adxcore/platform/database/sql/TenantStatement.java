package dev.adxcore.platform.database.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A built tenant-scoped statement: SQL text with {@code ?} placeholders and the values to bind, the
 * tenant first among the filter values. Run it with
 * {@link dev.adxcore.platform.database.Handle#query(TenantStatement, dev.adxcore.platform.database.RowMapper)}
 * or {@link dev.adxcore.platform.database.Handle#update(TenantStatement)}; the handle refuses a
 * statement built for another tenant. Immutable and thread-safe (when its values are); {@link #toString()}
 * shows the SQL, never the values. Cheap: building one costs string work only, no I/O.
 *
 * @since 0.1.0
 */
public final class TenantStatement {

    private final String sql;
    private final List<@Nullable Object> parameters;
    private final UUID tenantId;

    TenantStatement(String sql, List<@Nullable Object> parameters, UUID tenantId) {
        this.sql = sql;
        this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        this.tenantId = dev.adxcore.platform.database.internal.Tenants.require(tenantId, "TenantStatement");
    }

    /** @return the SQL text with {@code ?} placeholders */
    public String sql() {
        return sql;
    }

    /** @return the values to bind, in placeholder order; unmodifiable */
    public List<@Nullable Object> parameters() {
        return parameters;
    }

    /** @return the tenant this statement is bound to */
    public UUID tenantId() {
        return tenantId;
    }

    @Override
    public String toString() {
        return sql;
    }
}
