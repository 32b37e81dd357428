/**
 * Benchmarks of platform-database against real PostgreSQL servers from the test kit: tenant-scoped
 * point reads and read-write units compared with hand-written JDBC on raw HikariCP in the same run,
 * and the cost and spread of replica selection.
 */
@NullMarked
package dev.adxcore.platform.benchmarks.database;

import org.jspecify.annotations.NullMarked;
