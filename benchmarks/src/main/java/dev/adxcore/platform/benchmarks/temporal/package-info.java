/**
 * Throughput of standard-template workflows against bare workflows on the embedded (port-bound) Temporal
 * dev server. See {@link dev.adxcore.platform.benchmarks.temporal.TemplateThroughputDriver}.
 */
package dev.adxcore.platform.benchmarks.temporal;
