package dev.adxcore.platform.outbox.internal;

import dev.adxcore.platform.database.Handle;
import java.sql.SQLException;
import java.util.List;

/**
 * Catalog queries about the relay role (the roles named in the outbox's {@code relay_access} policy).
 * Thread-safe (stateless); each check costs two catalog queries on the given handle.
 */
public final class RoleChecks {

    private static final String RELAY_ROLES_OF_CURRENT_USER = "SELECT DISTINCT r.rolname::text FROM pg_policy p"
            + " JOIN pg_class c ON c.oid = p.polrelid CROSS JOIN LATERAL unnest(p.polroles) AS pr(oid)"
            + " JOIN pg_roles r ON r.oid = pr.oid"
            + " WHERE c.relname = 'platform_outbox' AND p.polname = 'relay_access' AND pg_table_is_visible(c.oid)"
            + " AND pg_has_role(current_user, pr.oid, 'MEMBER') ORDER BY 1";
    private static final String OUTBOX_EXISTS = "SELECT to_regclass('platform_outbox') IS NOT NULL";

    private RoleChecks() {}

    /**
     * The relay roles the connected role is (a member of).
     *
     * @param h a handle of the role
     * @return the roles, empty when it is none of them
     * @throws SQLException when the catalog cannot be read
     * @throws IllegalStateException when the outbox table does not exist
     */
    public static List<String> relayRolesOfCurrentUser(Handle h) throws SQLException {
        if (!h.queryOne(OUTBOX_EXISTS, r -> r.getBoolean(1)).orElse(false)) {
            throw new IllegalStateException(
                    "table platform_outbox does not exist (or is not on the search_path): apply "
                            + "the schema first, OutboxSchema.apply(ownerConnection, appRole, relayRole) or its Flyway migrations");
        }
        return h.query(RELAY_ROLES_OF_CURRENT_USER, r -> r.getString(1));
    }
}
