/**
 * Tenant-scoped repositories: the {@code Repository} contract and a JDBC base class described by a table mapping.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.database.repository;

import org.jspecify.annotations.NullMarked;
