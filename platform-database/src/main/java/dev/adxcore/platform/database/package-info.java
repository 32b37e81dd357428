/**
 * Primary/replica PostgreSQL access with tenant isolation. Start with
 * {@link dev.adxcore.platform.database.DatabaseManager}: it owns one HikariCP pool per server, routes
 * reads by their {@link dev.adxcore.platform.database.ReadConsistency}, sets the tenant for each unit
 * of work so that row-level security (see {@link dev.adxcore.platform.database.RowLevelSecurity})
 * applies, and reports health and metrics.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.database;

import org.jspecify.annotations.NullMarked;
