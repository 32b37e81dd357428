/**
 * ADX Core Platform: platform-events-kafka, the Kafka transport of the {@code EventBus}. Services usually need
 * nothing from this package: {@code PLATFORM_EVENTS_URL=kafka://host:9092} with {@code EventBuses.fromEnvironment()}
 * finds the transport through {@link java.util.ServiceLoader}. See the module README.
 */
@NullMarked
package dev.adxcore.platform.events.kafka;

import org.jspecify.annotations.NullMarked;
