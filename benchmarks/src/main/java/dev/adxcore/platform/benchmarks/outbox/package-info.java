/** Benchmarks of platform-outbox: recording cost, relay throughput, commit-to-handler latency. */
package dev.adxcore.platform.benchmarks.outbox;
