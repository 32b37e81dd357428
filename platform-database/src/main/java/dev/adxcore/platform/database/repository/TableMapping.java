package dev.adxcore.platform.database.repository;

import dev.adxcore.platform.database.RowMapper;
import dev.adxcore.platform.database.internal.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How an entity maps to a tenant table: the table, its id column, its other columns, an optional
 * version column for optimistic locking, and a row mapper. Immutable once built, and thread-safe if its
 * functions are; identifiers must be plain lower-case SQL identifiers and are quoted. Cheap to build (no I/O):
 * keep one per entity in a constant.
 *
 * <pre>{@code
 * TableMapping<Invoice, UUID> INVOICES = TableMapping.<Invoice, UUID>builder("invoices")
 *         .id("id", Invoice::id)
 *         .column("customer", Invoice::customer)
 *         .column("amount_cents", Invoice::amountCents)
 *         .version("version", Invoice::version)
 *         .mapper(row -> new Invoice(row.getObject("id", UUID.class), row.getString("customer"),
 *                 row.getLong("amount_cents"), row.getLong("version")))
 *         .build();
 * }</pre>
 *
 * @param <T> the entity type
 * @param <ID> the identifier type
 * @since 0.1.0
 */
public final class TableMapping<T, ID> {

    private final String table;
    private final String tenantColumn;
    private final String idColumn;
    private final Function<T, @Nullable ID> id;
    private final Map<String, Function<T, ?>> columns;
    private final @Nullable String versionColumn;
    private final @Nullable Function<T, @Nullable Long> version;
    private final RowMapper<T> mapper;
    private final List<String> managedColumns;

    private TableMapping(Builder<T, ID> b) {
        this.table = b.table;
        this.tenantColumn = b.tenantColumn;
        this.idColumn = Objects.requireNonNull(b.idColumn);
        this.id = Objects.requireNonNull(b.id);
        this.columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.columns));
        this.versionColumn = b.versionColumn;
        this.version = b.version;
        this.mapper = Objects.requireNonNull(b.mapper);
        this.managedColumns = List.copyOf(b.managedColumns);
    }

    /**
     * The database-managed columns: never written by the repository, read back with {@code RETURNING}
     * after every insert and update, so the entity a write returns carries their values.
     *
     * @return the columns in declaration order
     * @since 0.2.0
     */
    public List<String> managedColumns() {
        return managedColumns;
    }

    /**
     * Starts a mapping of a table.
     *
     * @param <T> the entity type
     * @param <ID> the identifier type
     * @param table {@code table} or {@code schema.table}
     * @return a builder
     * @throws IllegalArgumentException when the table name is not a plain identifier
     */
    public static <T, ID> Builder<T, ID> builder(String table) {
        return new Builder<>(table);
    }

    /** @return the table name as given */
    public String table() {
        return table;
    }

    /** @return the tenant column */
    public String tenantColumn() {
        return tenantColumn;
    }

    /** @return the id column */
    public String idColumn() {
        return idColumn;
    }

    /**
     * Reads an entity's id.
     *
     * @param entity the entity
     * @return its id, or null when the database generates it
     */
    public @Nullable ID idOf(T entity) {
        return id.apply(entity);
    }

    /** @return the other mapped columns and how to read them, in declaration order */
    public Map<String, Function<T, ?>> columns() {
        return columns;
    }

    /** @return the version column, if optimistic locking is on */
    public @Nullable String versionColumn() {
        return versionColumn;
    }

    /**
     * Reads an entity's version.
     *
     * @param entity the entity
     * @return its version, or null without a version column or when the column's default applies
     */
    public @Nullable Long versionOf(T entity) {
        return version == null ? null : version.apply(entity);
    }

    /** @return the row mapper */
    public RowMapper<T> mapper() {
        return mapper;
    }

    /**
     * Builder of {@link TableMapping}. Not thread-safe.
     *
     * @param <T> the entity type
     * @param <ID> the identifier type
     * @since 0.1.0
     */
    public static final class Builder<T, ID> {
        private final String table;
        private String tenantColumn = "tenant_id";
        private @Nullable String idColumn;
        private @Nullable Function<T, @Nullable ID> id;
        private final Map<String, Function<T, ?>> columns = new LinkedHashMap<>();
        private final List<String> names = new ArrayList<>();
        private @Nullable String versionColumn;
        private @Nullable Function<T, @Nullable Long> version;
        private @Nullable RowMapper<T> mapper;
        private final List<String> managedColumns = new ArrayList<>();

        private Builder(String table) {
            Identifiers.quoteTable(Objects.requireNonNull(table, "table"));
            this.table = table;
        }

        /**
         * Names the tenant column when it is not {@code tenant_id}.
         *
         * @param column a plain lower-case identifier
         * @return this builder
         */
        public Builder<T, ID> tenantColumn(String column) {
            Identifiers.quote("tenantColumn", column);
            this.tenantColumn = column;
            return this;
        }

        /**
         * Declares the id column.
         *
         * @param column a plain lower-case identifier
         * @param getter reads the id; may return null for a database-generated id
         * @return this builder
         */
        public Builder<T, ID> id(String column, Function<T, @Nullable ID> getter) {
            this.idColumn = name(column);
            this.id = Objects.requireNonNull(getter, "getter");
            return this;
        }

        /**
         * Declares a written column.
         *
         * @param column a plain lower-case identifier
         * @param getter reads the value to write
         * @return this builder
         */
        public Builder<T, ID> column(String column, Function<T, ?> getter) {
            columns.put(name(column), Objects.requireNonNull(getter, "getter"));
            return this;
        }

        /**
         * Declares a {@code bigint} version column: updates then require the entity's version to match
         * and increment it, and a stale version fails with an
         * {@link dev.adxcore.platform.database.OptimisticLockException}.
         *
         * @param column a plain lower-case identifier
         * @param getter reads the entity's version
         * @return this builder
         */
        public Builder<T, ID> version(String column, Function<T, @Nullable Long> getter) {
            this.versionColumn = name(column);
            this.version = Objects.requireNonNull(getter, "getter");
            return this;
        }

        /**
         * Declares a database-managed column: a default ({@code created_at timestamptz DEFAULT now()}),
         * a generated column, or one a trigger maintains ({@code updated_at}). The repository never
         * writes it and reads it back with {@code RETURNING} after each insert and update, so the mapper
         * sees the value the database chose.
         *
         * @param column a plain lower-case identifier
         * @return this builder
         * @since 0.2.0
         */
        public Builder<T, ID> managed(String column) {
            managedColumns.add(name(column));
            return this;
        }

        /**
         * Sets how a row (selected with {@code *}) becomes an entity.
         *
         * @param mapper the row mapper
         * @return this builder
         */
        public Builder<T, ID> mapper(RowMapper<T> mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        private String name(String column) {
            Identifiers.quote("column", Objects.requireNonNull(column, "column"));
            if (names.contains(column)) {
                throw new IllegalArgumentException("column '" + column + "' is declared twice");
            }
            if (column.equals(tenantColumn)) {
                throw new IllegalArgumentException(
                        "the tenant column '" + column + "' is written from the tenant; do not map it");
            }
            names.add(column);
            return column;
        }

        /**
         * Validates and builds the mapping.
         *
         * @return the mapping
         * @throws IllegalStateException when the id column or the mapper is missing
         */
        public TableMapping<T, ID> build() {
            if (idColumn == null || id == null) {
                throw new IllegalStateException("TableMapping for " + table + " needs id(column, getter)");
            }
            if (mapper == null) {
                throw new IllegalStateException("TableMapping for " + table + " needs mapper(row -> ...)");
            }
            return new TableMapping<>(this);
        }
    }
}
