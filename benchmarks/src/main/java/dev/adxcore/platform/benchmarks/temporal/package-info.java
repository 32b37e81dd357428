/**
 * Throughput of standard-template workflows against bare workflows on the embedded (port-bound) Temporal
 * dev server ({@link dev.adxcore.platform.benchmarks.temporal.TemplateThroughputDriver}), and the cost of carrying
 * the PlatformContext in Temporal headers ({@link dev.adxcore.platform.benchmarks.temporal.ContextHeaderBenchmark}).
 */
package dev.adxcore.platform.benchmarks.temporal;
