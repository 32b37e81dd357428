package ${package}.migration;

import dev.adxcore.platform.database.RowLevelSecurity;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Puts the tenant tables under row-level security with the statements of the platform's
 * {@link RowLevelSecurity} (ENABLE + FORCE, one policy on the transaction-local tenant for reads and writes), so
 * a new database always gets the SDK's current policy. Add a table of a new entity to {@link #TABLES} — or, once
 * this migration ran somewhere, in a new migration of the same shape.
 */
public class V2__Row_level_security extends BaseJavaMigration {

    /** The tables with a {@code tenant_id} column. */
    static final String[] TABLES = {"${entities}"};

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement st = context.getConnection().createStatement()) {
            for (String table : TABLES) {
                for (String sql : RowLevelSecurity.statements(table)) {
                    st.execute(sql);
                }
            }
        }
    }
}
