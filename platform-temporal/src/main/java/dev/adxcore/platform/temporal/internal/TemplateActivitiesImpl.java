package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.temporal.PermissionChecker;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform steps of the template. Both run as local activities, with the workflow's context bound by
 * {@link PlatformWorkerInterceptor} (causation id = the workflow). Thread-safe when its checkers and bus are.
 * A permission call costs what the checkers cost; a publish costs one bus publish, awaited up to the publish
 * timeout on the activity thread.
 */
public final class TemplateActivitiesImpl implements TemplateActivities {

    /** Failure type when the activity headers carry no platform context. */
    public static final String MISSING_CONTEXT = "MissingPlatformContext";

    static final String NO_CHECKER = "no PermissionChecker is configured, so every operation is denied: register "
            + "one with TemporalWorkerRunner.Builder.permissionChecker(...) or as a ServiceLoader service "
            + "(META-INF/services/dev.adxcore.platform.temporal.PermissionChecker)";

    private static final Logger log = LoggerFactory.getLogger(TemplateActivitiesImpl.class);

    private final EventBus bus;
    private final List<PermissionChecker> checkers;
    private final Duration publishTimeout;

    /**
     * @param bus where events go
     * @param checkers the permission checkers; empty means deny everything
     * @param publishTimeout how long one publication may take before the attempt fails and is retried
     */
    public TemplateActivitiesImpl(EventBus bus, List<PermissionChecker> checkers, Duration publishTimeout) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.checkers = List.copyOf(checkers);
        this.publishTimeout = Objects.requireNonNull(publishTimeout, "publishTimeout");
    }

    @Override
    public PermissionDecision checkPermission(String operation) {
        PlatformContext context = PlatformContext.current().orElse(null);
        if (context == null) {
            return new PermissionDecision(
                    false,
                    "the permission check carries no PlatformContext, so the operation "
                            + "is denied: start the workflow through TemplateClient, or with a PlatformContext bound on the "
                            + "starting thread");
        }
        if (context.tenantId().isEmpty()) {
            return new PermissionDecision(false, "the PlatformContext has no tenant, so the operation is denied");
        }
        if (checkers.isEmpty()) {
            return new PermissionDecision(false, NO_CHECKER);
        }
        for (PermissionChecker checker : checkers) {
            boolean permitted;
            try {
                permitted = checker.isPermitted(context, operation);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(
                        "permission check by " + checker.getClass().getName() + " failed", e);
            }
            if (!permitted) {
                log.debug(
                        "Operation {} denied by {}",
                        operation,
                        checker.getClass().getName());
                return new PermissionDecision(
                        false,
                        "operation '" + operation + "' denied for tenant "
                                + context.tenantId().orElseThrow()
                                + context.userId().map(u -> ", user " + u).orElse(""));
            }
        }
        return new PermissionDecision(true, "");
    }

    @Override
    public void publishEvent(EventRequest request) {
        PlatformContext context = PlatformContext.current()
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                        "the activity headers carry no PlatformContext, so event " + request.type()
                                + " cannot carry tenant " + "and correlation ids",
                        MISSING_CONTEXT));
        Event event;
        try {
            event = event(request, context);
        } catch (InvalidEventException e) {
            throw ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), "InvalidEvent", e);
        }
        try {
            bus.publish(event).toCompletableFuture().get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + request.type(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing " + request.type() + " took longer than " + publishTimeout, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NonRetryableEventException || cause instanceof InvalidEventException) {
                throw ApplicationFailure.newNonRetryableFailureWithCause(
                        cause.getMessage(), cause.getClass().getSimpleName(), cause);
            }
            throw new IllegalStateException("publishing " + request.type() + " failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * The template's event: every field that comes from the context is set here, in one place. The causation id is
     * the workflow (the propagator sets it on what a workflow schedules); the aggregate is the workflow too, so
     * one workflow's events are delivered in order.
     *
     * @param request what to publish
     * @param context the workflow's context, as bound in this activity
     * @return the event
     * @throws InvalidEventException when the bus refuses a value
     */
    static Event event(EventRequest request, PlatformContext context) {
        String causation = context.causationId()
                .orElseGet(() -> WorkflowContexts.causationOf(request.workflowId(), request.runId()));
        Event.Builder b = Event.builder(request.type())
                .id(UUID.nameUUIDFromBytes((request.runId() + '/' + request.type()).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .source(source(request))
                .subject(request.workflowId())
                .tenantId(context.tenantId().orElse(null))
                .userId(context.userId().orElse(null))
                .correlationId(context.correlationId())
                .causationId(causation)
                .aggregate("workflow", causation)
                .data(request.dataJson());
        context.trace().ifPresent(t -> b.extension("traceparent", t.toHeader()));
        context.traceState().ifPresent(s -> b.extension("tracestate", s));
        return b.build();
    }

    private static URI source(EventRequest request) {
        try {
            return new URI(null, null, "/temporal/" + request.namespace() + '/' + request.workflowType(), null);
        } catch (URISyntaxException e) {
            return URI.create("/temporal");
        }
    }
}
