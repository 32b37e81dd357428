package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.internal.EventTracing;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the engine calls a subscription's handler: every delivery attempt of every transport
 * (in-memory, Redis, Kafka) goes through {@link #invoke}, on the thread that runs the handler, and the
 * handler-timeout watchdog interrupts that thread.
 *
 * <p>Each call runs in a {@code CONSUMER} span ({@link EventTracing}) parented on the event's {@code traceparent},
 * bound together with the event's request context by {@link PlatformTracing#bind} (the span's id becomes the
 * bound context's trace). The event's {@linkplain dev.adxcore.platform.events.Event#context() request context} is bound around the call
 * and the thread's previous context and MDC restored after it, also when the handler throws or is interrupted.
 *
 * <p>Whatever must surround each handler call belongs here and nowhere else:
 * <ul>
 *   <li>the event's request context (tenant, user, correlation, causation, trace) bound before the call and
 *       cleared after it, also when the handler throws or is interrupted;</li>
 *   <li>a tracing span per attempt ({@link Delivery#attempts} is already counted when this runs), ended with
 *       the attempt's outcome.</li>
 * </ul>
 * Both wrap the {@code try} block below; the engine's outcome handling (retry, dead letter, metrics) runs
 * after {@link #invoke} returns, outside them. Internal.
 */
final class HandlerInvocation {

    private HandlerInvocation() {}

    /**
     * Calls the handler once.
     *
     * @param member whose handler
     * @param delivery what to deliver; its attempt is already counted
     * @return null on success, else what the handler threw
     */
    static @Nullable Throwable invoke(Member member, Delivery delivery) {
        Span span = EventTracing.startDelivery(delivery.event, member.subscription.id(), delivery.attempts);
        Throwable failure = null;
        try (PlatformTracing.Scope ignored = PlatformTracing.bind(span, delivery.event.context())) {
            member.subscription.handler().handle(delivery.event);
        } catch (Throwable t) {
            failure = t;
        }
        EventTracing.endDelivery(span, failure);
        return failure;
    }
}
