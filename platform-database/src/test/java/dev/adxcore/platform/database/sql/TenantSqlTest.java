package dev.adxcore.platform.database.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantSqlTest {

    private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");

    @Test
    void conditionIsWrappedInParenthesesAfterTheTenantFilter() {
        TenantStatement s =
                TenantSql.select("notes").where("body = ? OR 1 = 1", "x").build(TENANT);
        assertThat(s.sql()).isEqualTo("SELECT * FROM \"notes\" WHERE \"tenant_id\" = ? AND (body = ? OR 1 = 1)");
        assertThat(s.parameters()).containsExactly(TENANT, "x");
    }

    @Test
    void orderByLimitAndOffsetFollowTheFilterAndAreBound() {
        TenantStatement s = TenantSql.select("app.notes")
                .columns("id", "body")
                .where("version > ?", 1)
                .orderByDesc("created_at")
                .orderBy("id")
                .limit(20)
                .offset(40)
                .build(TENANT);
        assertThat(s.sql())
                .isEqualTo("SELECT \"id\", \"body\" FROM \"app\".\"notes\" WHERE \"tenant_id\" = ? AND (version > ?)"
                        + " ORDER BY \"created_at\" DESC, \"id\" LIMIT ? OFFSET ?");
        assertThat(s.parameters()).containsExactly(TENANT, 1, 20L, 40L);
    }

    @Test
    void updateBindsSetValuesThenTenantThenConditionValues() {
        TenantStatement s = TenantSql.update("notes")
                .set("body", "new")
                .increment("version")
                .where("id = ?", "k")
                .returning("*")
                .build(TENANT);
        assertThat(s.sql())
                .isEqualTo("UPDATE \"notes\" SET \"body\" = ?, \"version\" = \"version\" + 1"
                        + " WHERE \"tenant_id\" = ? AND (id = ?) RETURNING *");
        assertThat(s.parameters()).containsExactly("new", TENANT, "k");
    }

    @Test
    void valuesNeverAppearInTheSqlText() {
        String hostile = "x'); DROP TABLE notes; --";
        TenantStatement s = TenantSql.insert("notes").value("body", hostile).build(TENANT);
        assertThat(s.sql())
                .isEqualTo("INSERT INTO \"notes\" (\"tenant_id\", \"body\") VALUES (?, ?)")
                .doesNotContain("DROP");
        assertThat(s.parameters()).containsExactly(TENANT, hostile);
    }

    @Test
    void conditionThatClosesTheParenthesesIsRejected() {
        assertThatThrownBy(() -> TenantSql.select("notes").where("true) OR (true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a ')' without its '('");
    }

    @Test
    void conditionWithCommentOrSecondStatementIsRejected() {
        assertThatThrownBy(() -> TenantSql.delete("notes").where("true --")).hasMessageContaining("'--' comment");
        assertThatThrownBy(() -> TenantSql.delete("notes").where("true /* x */"))
                .hasMessageContaining("'/*' comment");
        assertThatThrownBy(() -> TenantSql.delete("notes").where("true; DELETE FROM notes"))
                .hasMessageContaining("';'");
        assertThatThrownBy(() -> TenantSql.delete("notes").where("body = $$x$$"))
                .hasMessageContaining("'$'");
    }

    @Test
    void parenthesisInsideAStringLiteralIsHarmless() {
        TenantStatement s =
                TenantSql.count("notes").where("body <> ')' AND body <> '--'").build(TENANT);
        assertThat(s.sql())
                .isEqualTo("SELECT count(*) FROM \"notes\" WHERE \"tenant_id\" = ? AND (body <> ')' AND body <> '--')");
    }

    @Test
    void placeholderCountMustMatchTheValues() {
        assertThatThrownBy(() -> TenantSql.select("notes").where("id = ? AND body = ?", "only-one"))
                .hasMessageStartingWith("condition has 2 placeholder(s) but 1 parameter(s) were given");
    }

    @Test
    void craftedIdentifiersAreRejected() {
        assertThatThrownBy(() -> TenantSql.select("notes; DROP TABLE notes"))
                .hasMessage(
                        "table must be a lower-case SQL identifier (letters a-z, digits, '_', not starting with a digit,"
                                + " at most 63 characters) (was 'notes; DROP TABLE notes')");
        assertThatThrownBy(() -> TenantSql.select("notes").orderBy("id DESC, (SELECT 1)"))
                .hasMessageStartingWith("orderBy column must be a lower-case SQL identifier");
        assertThatThrownBy(() -> TenantSql.select("notes").columns("\"tenant_id\" FROM notes --"))
                .hasMessageStartingWith("column must be a lower-case SQL identifier");
    }

    @Test
    void updateCannotMoveRowsToAnotherTenant() {
        assertThatThrownBy(() -> TenantSql.update("notes").set("tenant_id", UUID.randomUUID()))
                .hasMessage("the tenant column 'tenant_id' cannot be changed");
    }

    @Test
    void negativeLimitIsRejected() {
        assertThatThrownBy(() -> TenantSql.select("notes").limit(-1)).hasMessage("limit must be >= 0 (was -1)");
    }
}
