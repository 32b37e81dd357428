/**
 * Benchmarks of platform-observability: JMH benchmarks of the per-request costs (HTTP metrics, logging
 * context) and a load check of the management endpoint while a health check hangs.
 */
@NullMarked
package dev.adxcore.platform.benchmarks.observability;

import org.jspecify.annotations.NullMarked;
