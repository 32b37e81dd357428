package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.core.TraceParent;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.observability.tracing.PlatformTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Bus spans with the OTel messaging semantic conventions: a {@code PRODUCER} span per publish (its id becomes the
 * event's {@value Event#TRACEPARENT} extension) and a {@code CONSUMER} span per delivery attempt, parented on the
 * event's {@code traceparent} (so retries, and an event replayed from the dead letters or relayed by an outbox,
 * stay in the publishing trace). Attributes are bounded: the event type (a name chosen by the code), the message
 * id, the subscription id, the attempt number; never the payload. A failed publish or attempt has status
 * {@code ERROR} and {@code error.type} (the exception's class name) and nothing else: no exception event, no
 * message, which may carry tenant data or secrets (as on the database unit-of-work spans). Through the OTel API
 * only: a no-op unless the application installs an SDK or the agent. Internal. Thread-safe (stateless); without an SDK a span costs
 * almost nothing, with one a span and a few attributes per publish and per delivery attempt.
 */
public final class EventTracing {

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("adxcore.delivery.attempt");
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("adxcore.tenant_id");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private EventTracing() {}

    /**
     * Publishes inside a producer span; the event that is sent carries the span as its {@code traceparent}. The span's
     * parent is the current trace, or, when nothing is current (a relay or replay thread), the event's own
     * {@code traceparent}.
     *
     * @param system the messaging system ({@code redis}, {@code memory})
     * @param event the event
     * @param send sends the (possibly re-stamped) event
     * @return the send's stage itself (same instance); the span ends when it completes
     */
    public static CompletionStage<Void> publish(
            String system, Event event, Function<Event, CompletionStage<Void>> send) {
        PlatformTracing tracing = PlatformTracing.global();
        Context parent = PlatformTracing.currentContext();
        if (!tracing.isEnabled() && !Span.fromContext(parent).getSpanContext().isValid()) {
            // no SDK and no trace to carry on: the event goes as it is (its own traceparent, if any, is already the
            // trace it belongs to), with nothing to make current or to end
            return send.apply(event);
        }
        if (!Span.fromContext(parent).getSpanContext().isValid()
                && event.trace().isPresent()) {
            // Nothing is current (an outbox relay's thread, a dead-letter replay, a tool): the event's own trace,
            // stamped when it was built or recorded, is where the publish belongs.
            Object state = event.extensions().get(Event.TRACESTATE);
            parent = PlatformTracing.extract(event.trace().get().toHeader(), state == null ? null : state.toString());
        }
        Span span;
        if (tracing.isEnabled()) {
            String destination = PlatformTracing.bounded(event.type());
            span = tracing.span("send " + destination, SpanKind.PRODUCER, parent)
                    .setAttribute(SYSTEM, system)
                    .setAttribute(DESTINATION, destination)
                    .setAttribute(OPERATION, "send")
                    .setAttribute(MESSAGE_ID, PlatformTracing.bounded(event.id()))
                    .startSpan();
            Span recording = span;
            event.tenantId().ifPresent(t -> recording.setAttribute(TENANT, t.toString()));
        } else {
            // no SDK: no attributes to compute (the tenant's UUID text alone was a tenth of a publish's garbage), but
            // the parent still propagates, so the event carries the trace it was published in
            span = Span.wrap(Span.fromContext(parent).getSpanContext());
        }
        Event stamped = stamp(event, span);
        try (Scope ignored = parent.with(span).makeCurrent()) {
            CompletionStage<Void> stage = send.apply(stamped);
            stage.whenComplete((ok, error) -> {
                if (error != null) {
                    failed(span, error);
                }
                span.end();
            });
            return stage;
        } catch (RuntimeException | Error e) {
            failed(span, e);
            span.end();
            throw e;
        }
    }

    /**
     * The event with the span as its trace, or the event itself when the span has no id or already is its trace.
     *
     * @param event the event
     * @param span the producer span
     * @return the event to send
     */
    static Event stamp(Event event, Span span) {
        Optional<TraceParent> trace = PlatformTracing.traceParentOf(span);
        if (trace.isEmpty() || trace.equals(event.trace())) {
            return event;
        }
        return event.toBuilder()
                .extension(Event.TRACEPARENT, trace.get().toHeader())
                .build();
    }

    /**
     * Starts the consumer span of one delivery attempt, parented on the event's {@code traceparent}.
     *
     * @param event the event
     * @param subscriptionId the subscription
     * @param attempt the attempt number, from 1
     * @return the span, to be made current with {@link PlatformTracing#bind}
     */
    public static Span startDelivery(Event event, String subscriptionId, int attempt) {
        Object state = event.extensions().get(Event.TRACESTATE);
        Context parent = PlatformTracing.extract(
                event.trace().map(TraceParent::toHeader).orElse(null), state == null ? null : state.toString());
        Span span = PlatformTracing.global()
                .span("process " + PlatformTracing.bounded(event.type()), SpanKind.CONSUMER, parent)
                .setAttribute(DESTINATION, PlatformTracing.bounded(event.type()))
                .setAttribute(OPERATION, "process")
                .setAttribute(MESSAGE_ID, PlatformTracing.bounded(event.id()))
                .setAttribute(GROUP, PlatformTracing.bounded(subscriptionId))
                .setAttribute(ATTEMPT, (long) attempt)
                .startSpan();
        event.tenantId().ifPresent(t -> span.setAttribute(TENANT, t.toString()));
        return span;
    }

    /**
     * Ends a delivery span with the attempt's outcome.
     *
     * @param span the span
     * @param failure what the handler threw, or null
     */
    public static void endDelivery(Span span, @Nullable Throwable failure) {
        if (failure != null) {
            failed(span, failure);
        }
        span.end();
    }

    /**
     * Marks the span failed with the exception's type only: status {@code ERROR} without a description and
     * {@code error.type} = the class name, as the database unit-of-work spans do. Neither the message nor an exception
     * event is recorded: a handler's or a driver's message may carry tenant data, payload values or credentials.
     *
     * @param span the span
     * @param failure what failed; a {@link CompletionException} wrapper is looked through to its cause
     */
    static void failed(Span span, Throwable failure) {
        Throwable wrapped = failure.getCause();
        Throwable cause = failure instanceof CompletionException && wrapped != null ? wrapped : failure;
        span.setAttribute(ERROR_TYPE, PlatformTracing.bounded(cause.getClass().getName()));
        span.setStatus(StatusCode.ERROR);
    }
}
