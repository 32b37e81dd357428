/**
 * Start-up time of the test kit's private servers per source (installed binaries, binaries from Maven
 * Central), measured side by side in one run.
 */
@NullMarked
package dev.adxcore.platform.benchmarks.testkit;

import org.jspecify.annotations.NullMarked;
