package dev.adxcore.platform.database.sql;

import dev.adxcore.platform.database.internal.Conditions;
import dev.adxcore.platform.database.internal.Identifiers;
import dev.adxcore.platform.database.internal.Tenants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds tenant-scoped {@code SELECT}, {@code SELECT count(*)}, {@code INSERT}, {@code UPDATE} and
 * {@code DELETE} statements. Every statement filters on (or, for inserts, writes) the tenant column
 * with the tenant bound as a parameter, and:
 * <ul>
 *   <li>wraps each caller condition in parentheses after the tenant filter, so {@code a OR b}
 *       cannot widen it; a condition that could close those parentheses, end the statement or
 *       comment out the rest ({@code )}, {@code ;}, {@code --}, {@code /*}, {@code $}) is rejected,
 *       and its {@code ?} placeholders must match the values given;</li>
 *   <li>accepts only plain lower-case identifiers for tables, columns and ordering, and quotes them;</li>
 *   <li>binds every value, including {@code LIMIT} and {@code OFFSET}; no value is ever written into the SQL text;</li>
 *   <li>refuses to set the tenant column in an update.</li>
 * </ul>
 * Row-level security remains the second layer: even SQL that forgets the tenant sees only the
 * unit's tenant. Builders are mutable and not thread-safe; built {@link TenantStatement}s are immutable.
 * Building costs string work and identifier checks only, no I/O.
 *
 * <pre>{@code
 * TenantStatement q = TenantSql.select("orders")
 *         .columns("id", "total_cents")
 *         .where("status = ? OR total_cents > ?", "open", 10_000)
 *         .orderByDesc("created_at").limit(20).offset(40)
 *         .build(tenantId);
 * // SELECT "id", "total_cents" FROM "orders" WHERE "tenant_id" = ? AND (status = ? OR total_cents > ?)
 * //   ORDER BY "created_at" DESC LIMIT ? OFFSET ?
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TenantSql {

    private TenantSql() {}

    /**
     * Starts a {@code SELECT} from a tenant table.
     *
     * @param table {@code table} or {@code schema.table}, plain lower-case identifiers
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static Select select(String table) {
        return new Select(table, false);
    }

    /**
     * Starts a {@code SELECT count(*)} from a tenant table.
     *
     * @param table {@code table} or {@code schema.table}
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static Select count(String table) {
        return new Select(table, true);
    }

    /**
     * Starts an {@code INSERT} into a tenant table; the tenant column is written from the tenant.
     *
     * @param table {@code table} or {@code schema.table}
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static Insert insert(String table) {
        return new Insert(table);
    }

    /**
     * Starts an {@code UPDATE} of a tenant table's rows of one tenant.
     *
     * @param table {@code table} or {@code schema.table}
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static Update update(String table) {
        return new Update(table);
    }

    /**
     * Starts a {@code DELETE} of a tenant table's rows of one tenant.
     *
     * @param table {@code table} or {@code schema.table}
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static Delete delete(String table) {
        return new Delete(table);
    }

    /**
     * Common part of the builders: table, tenant column and conditions.
     *
     * @param <B> the concrete builder
     * @since 0.1.0
     */
    public abstract static class Builder<B extends Builder<B>> {
        final String table;
        String tenantColumn = "\"tenant_id\"";
        String tenantColumnName = "tenant_id";
        final List<String> conditions = new ArrayList<>();
        final List<@Nullable Object> conditionParameters = new ArrayList<>();

        Builder(String table) {
            this.table = Identifiers.quoteTable(Objects.requireNonNull(table, "table"));
        }

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }

        /**
         * Names the tenant column when it is not {@code tenant_id}.
         *
         * @param column a plain lower-case identifier
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier
         */
        public B tenantColumn(String column) {
            this.tenantColumn = Identifiers.quote("tenantColumn", column);
            this.tenantColumnName = column;
            return self();
        }

        final void addCondition(String condition, @Nullable Object[] parameters) {
            Objects.requireNonNull(condition, "condition");
            Conditions.check(condition, parameters.length);
            conditions.add(condition);
            conditionParameters.addAll(Arrays.asList(parameters));
        }

        final void appendWhere(StringBuilder sql, List<@Nullable Object> parameters, UUID tenantId) {
            sql.append(" WHERE ").append(tenantColumn).append(" = ?");
            parameters.add(tenantId);
            for (String condition : conditions) {
                sql.append(" AND (").append(condition).append(')');
            }
            parameters.addAll(conditionParameters);
        }

        /**
         * Builds the statement for one tenant.
         *
         * @param tenantId the tenant whose rows the statement may touch
         * @return the statement
         */
        public abstract TenantStatement build(UUID tenantId);
    }

    /**
     * Builder of a tenant-scoped {@code SELECT} or {@code SELECT count(*)}.
     *
     * @since 0.1.0
     */
    public static final class Select extends Builder<Select> {
        private final boolean count;
        private final List<String> columns = new ArrayList<>();
        private final List<String> orderBy = new ArrayList<>();
        private @Nullable Long limit;
        private @Nullable Long offset;
        private boolean forUpdate;

        Select(String table, boolean count) {
            super(table);
            this.count = count;
        }

        /**
         * Selects these columns instead of {@code *}.
         *
         * @param columns plain lower-case identifiers
         * @return this builder
         * @throws IllegalArgumentException when a column is not a plain identifier, or on a count
         */
        public Select columns(String... columns) {
            if (count) {
                throw new IllegalArgumentException("a count selects count(*); columns cannot be chosen");
            }
            for (String column : columns) {
                this.columns.add(Identifiers.quote("column", column));
            }
            return this;
        }

        /**
         * Adds a condition, combined with the tenant filter and earlier conditions by {@code AND} and
         * wrapped in parentheses.
         *
         * @param condition a boolean SQL expression written in code, values as {@code ?}
         * @param parameters the values, one per {@code ?}
         * @return this builder
         * @throws IllegalArgumentException when the condition is unsafe or the placeholder count differs
         */
        public Select where(String condition, @Nullable Object... parameters) {
            addCondition(condition, parameters);
            return this;
        }

        /**
         * Orders ascending by a column (after earlier orderings).
         *
         * @param column a plain lower-case identifier
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier
         */
        public Select orderBy(String column) {
            orderBy.add(Identifiers.quote("orderBy column", column));
            return this;
        }

        /**
         * Orders descending by a column (after earlier orderings).
         *
         * @param column a plain lower-case identifier
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier
         */
        public Select orderByDesc(String column) {
            orderBy.add(Identifiers.quote("orderBy column", column) + " DESC");
            return this;
        }

        /**
         * Returns at most this many rows.
         *
         * @param limit at least 0
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Select limit(long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (was " + limit + ")");
            }
            this.limit = limit;
            return this;
        }

        /**
         * Skips this many rows (use with {@link #orderBy(String)} for a stable order).
         *
         * @param offset at least 0
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Select offset(long offset) {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0 (was " + offset + ")");
            }
            this.offset = offset;
            return this;
        }

        /**
         * Locks the selected rows ({@code FOR UPDATE}); meaningful inside a read-write unit of work.
         *
         * @return this builder
         */
        public Select forUpdate() {
            this.forUpdate = true;
            return this;
        }

        @Override
        public TenantStatement build(UUID tenantId) {
            Tenants.require(tenantId, "TenantSql.select(...).build");
            StringBuilder sql = new StringBuilder(96).append("SELECT ");
            if (count) {
                sql.append("count(*)");
            } else if (columns.isEmpty()) {
                sql.append('*');
            } else {
                sql.append(String.join(", ", columns));
            }
            sql.append(" FROM ").append(table);
            List<@Nullable Object> parameters = new ArrayList<>();
            appendWhere(sql, parameters, tenantId);
            if (!orderBy.isEmpty() && !count) {
                sql.append(" ORDER BY ").append(String.join(", ", orderBy));
            }
            if (limit != null) {
                sql.append(" LIMIT ?");
                parameters.add(limit);
            }
            if (offset != null) {
                sql.append(" OFFSET ?");
                parameters.add(offset);
            }
            if (forUpdate) {
                sql.append(" FOR UPDATE");
            }
            return new TenantStatement(sql.toString(), parameters, tenantId);
        }
    }

    /**
     * Builder of a tenant-scoped {@code INSERT} of one row.
     *
     * @since 0.1.0
     */
    public static final class Insert extends Builder<Insert> {
        private final Map<String, @Nullable Object> values = new LinkedHashMap<>();
        private final List<String> returning = new ArrayList<>();

        Insert(String table) {
            super(table);
        }

        /**
         * Sets a column's value.
         *
         * @param column a plain lower-case identifier other than the tenant column
         * @param value the value, bound as a parameter
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier or is the tenant column
         */
        public Insert value(String column, @Nullable Object value) {
            String quoted = Identifiers.quote("column", column);
            if (column.equals(tenantColumnName)) {
                throw new IllegalArgumentException(
                        "the tenant column '" + column + "' is written from the tenant; do not set it");
            }
            values.put(quoted, value);
            return this;
        }

        /**
         * Returns these columns of the inserted row ({@code "*"} for all).
         *
         * @param columns plain lower-case identifiers, or a single {@code "*"}
         * @return this builder
         * @throws IllegalArgumentException when a column is not a plain identifier
         */
        public Insert returning(String... columns) {
            addReturning(returning, columns);
            return this;
        }

        @Override
        public TenantStatement build(UUID tenantId) {
            Tenants.require(tenantId, "TenantSql.insert(...).build");
            if (!conditions.isEmpty()) {
                throw new IllegalStateException("an insert has no conditions");
            }
            StringBuilder sql = new StringBuilder(96)
                    .append("INSERT INTO ")
                    .append(table)
                    .append(" (")
                    .append(tenantColumn);
            List<@Nullable Object> parameters = new ArrayList<>();
            parameters.add(tenantId);
            StringBuilder placeholders = new StringBuilder("?");
            for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
                sql.append(", ").append(e.getKey());
                placeholders.append(", ?");
                parameters.add(e.getValue());
            }
            sql.append(") VALUES (").append(placeholders).append(')');
            appendReturning(sql, returning);
            return new TenantStatement(sql.toString(), parameters, tenantId);
        }
    }

    /**
     * Builder of a tenant-scoped {@code UPDATE}.
     *
     * @since 0.1.0
     */
    public static final class Update extends Builder<Update> {
        private final Map<String, @Nullable Object> values = new LinkedHashMap<>();
        private final List<String> expressions = new ArrayList<>();
        private final List<String> returning = new ArrayList<>();

        Update(String table) {
            super(table);
        }

        /**
         * Sets a column to a value.
         *
         * @param column a plain lower-case identifier other than the tenant column
         * @param value the value, bound as a parameter
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier or is the tenant column
         */
        public Update set(String column, @Nullable Object value) {
            String quoted = Identifiers.quote("column", column);
            if (column.equals(tenantColumnName)) {
                throw new IllegalArgumentException("the tenant column '" + column + "' cannot be changed");
            }
            values.put(quoted, value);
            return this;
        }

        /**
         * Increments an integer column by one ({@code column = column + 1}), for version columns.
         *
         * @param column a plain lower-case identifier other than the tenant column
         * @return this builder
         * @throws IllegalArgumentException when the column is not a plain identifier or is the tenant column
         */
        public Update increment(String column) {
            String quoted = Identifiers.quote("column", column);
            if (column.equals(tenantColumnName)) {
                throw new IllegalArgumentException("the tenant column '" + column + "' cannot be changed");
            }
            expressions.add(quoted + " = " + quoted + " + 1");
            return this;
        }

        /**
         * Adds a condition, combined with the tenant filter by {@code AND} and wrapped in parentheses.
         *
         * @param condition a boolean SQL expression written in code, values as {@code ?}
         * @param parameters the values, one per {@code ?}
         * @return this builder
         * @throws IllegalArgumentException when the condition is unsafe or the placeholder count differs
         */
        public Update where(String condition, @Nullable Object... parameters) {
            addCondition(condition, parameters);
            return this;
        }

        /**
         * Returns these columns of the updated rows ({@code "*"} for all).
         *
         * @param columns plain lower-case identifiers, or a single {@code "*"}
         * @return this builder
         * @throws IllegalArgumentException when a column is not a plain identifier
         */
        public Update returning(String... columns) {
            addReturning(returning, columns);
            return this;
        }

        @Override
        public TenantStatement build(UUID tenantId) {
            Tenants.require(tenantId, "TenantSql.update(...).build");
            if (values.isEmpty() && expressions.isEmpty()) {
                throw new IllegalStateException("an update needs at least one set(column, value)");
            }
            StringBuilder sql =
                    new StringBuilder(96).append("UPDATE ").append(table).append(" SET ");
            List<@Nullable Object> parameters = new ArrayList<>();
            List<String> assignments = new ArrayList<>();
            for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
                assignments.add(e.getKey() + " = ?");
                parameters.add(e.getValue());
            }
            assignments.addAll(expressions);
            sql.append(String.join(", ", assignments));
            appendWhere(sql, parameters, tenantId);
            appendReturning(sql, returning);
            return new TenantStatement(sql.toString(), parameters, tenantId);
        }
    }

    /**
     * Builder of a tenant-scoped {@code DELETE}.
     *
     * @since 0.1.0
     */
    public static final class Delete extends Builder<Delete> {
        private final List<String> returning = new ArrayList<>();

        Delete(String table) {
            super(table);
        }

        /**
         * Adds a condition, combined with the tenant filter by {@code AND} and wrapped in parentheses.
         *
         * @param condition a boolean SQL expression written in code, values as {@code ?}
         * @param parameters the values, one per {@code ?}
         * @return this builder
         * @throws IllegalArgumentException when the condition is unsafe or the placeholder count differs
         */
        public Delete where(String condition, @Nullable Object... parameters) {
            addCondition(condition, parameters);
            return this;
        }

        /**
         * Returns these columns of the deleted rows ({@code "*"} for all).
         *
         * @param columns plain lower-case identifiers, or a single {@code "*"}
         * @return this builder
         * @throws IllegalArgumentException when a column is not a plain identifier
         */
        public Delete returning(String... columns) {
            addReturning(returning, columns);
            return this;
        }

        @Override
        public TenantStatement build(UUID tenantId) {
            Tenants.require(tenantId, "TenantSql.delete(...).build");
            StringBuilder sql = new StringBuilder(64).append("DELETE FROM ").append(table);
            List<@Nullable Object> parameters = new ArrayList<>();
            appendWhere(sql, parameters, tenantId);
            appendReturning(sql, returning);
            return new TenantStatement(sql.toString(), parameters, tenantId);
        }
    }

    private static void addReturning(List<String> target, String... columns) {
        if (columns.length == 1 && "*".equals(columns[0])) {
            target.add("*");
            return;
        }
        for (String column : columns) {
            target.add(Identifiers.quote("returning column", column));
        }
    }

    private static void appendReturning(StringBuilder sql, List<String> returning) {
        if (!returning.isEmpty()) {
            sql.append(" RETURNING ").append(String.join(", ", returning));
        }
    }
}
