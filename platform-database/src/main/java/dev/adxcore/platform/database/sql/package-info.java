/**
 * Tenant-scoped SQL: a small builder for select, count, insert, update and delete that always binds the tenant.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.database.sql;

import org.jspecify.annotations.NullMarked;
