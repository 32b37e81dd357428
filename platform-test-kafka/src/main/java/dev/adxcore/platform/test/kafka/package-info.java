/**
 * The Kafka server jars for the test kit ({@code dev.adxcore:platform-test}). Add this artifact as a test
 * dependency and the kit's {@code KafkaServer} starts a real single-node KRaft broker in a child JVM when no
 * explicit broker is configured and no Docker daemon answers. Nothing here is called by tests directly.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.test.kafka;

import org.jspecify.annotations.NullMarked;
