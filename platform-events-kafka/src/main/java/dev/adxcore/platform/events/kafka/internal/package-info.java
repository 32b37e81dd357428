/** Internals of platform-events-kafka. Not part of the API; may change in any release. */
@NullMarked
package dev.adxcore.platform.events.kafka.internal;

import org.jspecify.annotations.NullMarked;
