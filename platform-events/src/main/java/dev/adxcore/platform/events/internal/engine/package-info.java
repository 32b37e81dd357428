/**
 * The delivery engine behind every bus of this SDK (in-memory, Redis, Kafka): lanes per aggregate, handler
 * workers, retries on a timer, the handler-timeout watchdog, dead-letter decisions and metrics. Provider
 * authors use it through {@link dev.adxcore.platform.events.spi.DeliveryEngine}. Not part of the API; may change
 * in any release.
 */
@NullMarked
package dev.adxcore.platform.events.internal.engine;

import org.jspecify.annotations.NullMarked;
