/**
 * Metrics on Micrometer: {@link dev.adxcore.platform.observability.metrics.MeterRegistries} creates a
 * Prometheus registry with common tags and the JVM/process binders;
 * {@link dev.adxcore.platform.observability.metrics.HttpServerMetrics} times HTTP requests with tags
 * that can never explode.
 */
@NullMarked
package dev.adxcore.platform.observability.metrics;

import org.jspecify.annotations.NullMarked;
