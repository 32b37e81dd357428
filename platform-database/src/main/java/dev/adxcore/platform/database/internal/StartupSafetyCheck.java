package dev.adxcore.platform.database.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the reasons why row-level security would not apply to the connected role. Thread-safe (stateless);
 * costs three catalog queries on the given connection, once at start-up.
 */
public final class StartupSafetyCheck {

    private static final String ROLE =
            "SELECT current_user::text, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user";
    private static final String TABLES =
            "SELECT n.nspname::text, c.relname::text, c.relrowsecurity, c.relforcerowsecurity,"
                    + " pg_has_role(current_user, c.relowner, 'USAGE')"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped"
                    + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_%'"
                    + " AND has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE') ORDER BY 1, 2";

    private static final String STALE_POLICIES =
            "SELECT p.schemaname::text || '.' || p.tablename::text, p.policyname::text"
                    + " FROM pg_policies p WHERE p.schemaname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND (coalesce(p.qual, '') || coalesce(p.with_check, '')) LIKE '%app.tenant\\_id%'"
                    + " AND (coalesce(p.qual, '') || coalesce(p.with_check, '')) NOT LIKE '%app.tenant\\_tx%'"
                    + " AND has_table_privilege(current_user, (quote_ident(p.schemaname) || '.' || quote_ident(p.tablename))::regclass,"
                    + " 'SELECT, INSERT, UPDATE, DELETE') ORDER BY 1, 2";

    private StartupSafetyCheck() {}

    /**
     * Runs the check.
     *
     * @param connection a connection of the application role to the primary
     * @param tenantColumn the column that marks tenant tables
     * @return one line per finding; empty when row-level security applies to the role everywhere
     * @throws SQLException when the catalog cannot be read
     */
    public static List<String> findings(Connection connection, String tenantColumn) throws SQLException {
        List<String> findings = new ArrayList<>();
        String role = "?";
        try (PreparedStatement ps = connection.prepareStatement(ROLE);
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                role = rs.getString(1);
                if (rs.getBoolean(2)) {
                    findings.add("role '" + role + "' is a superuser: row-level security does not apply to it");
                }
                if (rs.getBoolean(3)) {
                    findings.add("role '" + role + "' has BYPASSRLS: row-level security does not apply to it");
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(TABLES)) {
            ps.setString(1, tenantColumn);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1) + "." + rs.getString(2);
                    if (!rs.getBoolean(3)) {
                        findings.add("table " + table + " has a " + tenantColumn + " column but row-level security "
                                + "is not enabled (apply RowLevelSecurity.statements(\"" + table + "\"))");
                    } else if (!rs.getBoolean(4) && rs.getBoolean(5)) {
                        findings.add(
                                "role '" + role + "' owns table " + table + ", which lacks FORCE ROW LEVEL SECURITY: "
                                        + "row-level security does not apply to its owner (ALTER TABLE " + table
                                        + " FORCE ROW LEVEL SECURITY, or connect as a role that does not own it)");
                    }
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(STALE_POLICIES);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                findings.add(
                        "policy " + rs.getString(2) + " on table " + rs.getString(1) + " trusts app.tenant_id without "
                                + "binding it to the transaction (app.tenant_tx): a session-level tenant left on a pooled connection "
                                + "by earlier SQL would be trusted; re-apply RowLevelSecurity.statements(\""
                                + rs.getString(1) + "\")");
            }
        }
        return findings;
    }
}
