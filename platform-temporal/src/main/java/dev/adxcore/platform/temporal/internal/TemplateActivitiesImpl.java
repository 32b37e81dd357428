package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.InvalidEventException;
import dev.adxcore.platform.events.NonRetryableEventException;
import dev.adxcore.platform.temporal.PermissionChecker;
import dev.adxcore.platform.temporal.WorkflowContext;
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

/** The platform steps of the template. Thread-safe when its checkers and bus are. */
public final class TemplateActivitiesImpl implements TemplateActivities {

    /** Failure type when the activity headers carry no platform context. */
    public static final String MISSING_CONTEXT = "MissingWorkflowContext";
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
        WorkflowContext context = CurrentContext.get();
        if (context == null) {
            return new PermissionDecision(false, "the workflow carries no WorkflowContext: start it through "
                    + "TemplateClient or with a WorkflowContext bound on the starting thread");
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
                throw new IllegalStateException("permission check by " + checker.getClass().getName() + " failed", e);
            }
            if (!permitted) {
                log.debug("Operation {} denied by {}", operation, checker.getClass().getName());
                return new PermissionDecision(false, "operation '" + operation + "' denied for tenant "
                        + context.tenantId() + context.userId().map(u -> ", user " + u).orElse(""));
            }
        }
        return new PermissionDecision(true, "");
    }

    @Override
    public void publishEvent(EventRequest request) {
        WorkflowContext context = CurrentContext.get();
        if (context == null) {
            throw ApplicationFailure.newNonRetryableFailure("the activity headers carry no WorkflowContext, so "
                    + "event " + request.type() + " cannot carry tenant and correlation ids", MISSING_CONTEXT);
        }
        Event event;
        try {
            event = Event.builder(request.type())
                    .id(UUID.nameUUIDFromBytes((request.runId() + '/' + request.type())
                            .getBytes(StandardCharsets.UTF_8)).toString())
                    .source(source(request))
                    .subject(request.workflowId())
                    .tenantId(context.tenantId())
                    .userId(context.userId().orElse(null))
                    .correlationId(context.correlationId())
                    .causationId(request.workflowId())
                    .aggregate("workflow", request.workflowId())
                    .extension("traceid", context.traceId())
                    .data(request.dataJson())
                    .build();
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
                throw ApplicationFailure.newNonRetryableFailureWithCause(cause.getMessage(),
                        cause.getClass().getSimpleName(), cause);
            }
            throw new IllegalStateException("publishing " + request.type() + " failed: " + cause.getMessage(), cause);
        }
    }

    private static URI source(EventRequest request) {
        try {
            return new URI(null, null, "/temporal/" + request.namespace() + '/' + request.workflowType(), null);
        } catch (URISyntaxException e) {
            return URI.create("/temporal");
        }
    }
}
