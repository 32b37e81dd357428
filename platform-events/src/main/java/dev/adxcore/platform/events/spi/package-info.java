/**
 * The delivery engine for event bus providers: what a transport (Redis Streams, Kafka, ...) plugs into so
 * that it gets the delivery semantics of the {@link dev.adxcore.platform.events.EventBus} contract without
 * writing them again.
 *
 * <p>A transport supplies four things through {@link dev.adxcore.platform.events.spi.ConsumerTransport}:
 * <b>fetch</b> (read the next records, including ones it claimed from dead consumers), <b>acknowledge</b>,
 * <b>release</b> (a record the engine gives back unhandled, to be redelivered) and <b>dead-letter storage</b>.
 * The {@link dev.adxcore.platform.events.spi.DeliveryEngine} does everything else: the type and tenant filter,
 * ordering per aggregate, handler concurrency, retries with backoff on a timer, the handler-timeout watchdog,
 * the dead-letter decision, the dead-letter handler call, and the metrics, with bounded tags.
 *
 * <p>This package is for provider authors; services use {@link dev.adxcore.platform.events.EventBus}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.events.spi;

import org.jspecify.annotations.NullMarked;
