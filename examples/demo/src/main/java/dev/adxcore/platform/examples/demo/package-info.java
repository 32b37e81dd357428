/**
 * The one-command demo: {@link dev.adxcore.platform.examples.demo.Demo} starts every piece in one JVM and
 * runs the {@link dev.adxcore.platform.examples.demo.Tour}.
 */
@NullMarked
package dev.adxcore.platform.examples.demo;

import org.jspecify.annotations.NullMarked;
