package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.JsonStrings;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.temporal.internal.TemplateActivities;
import dev.adxcore.platform.temporal.internal.TemplateActivities.EventRequest;
import dev.adxcore.platform.temporal.internal.TemplateActivities.PermissionDecision;
import dev.adxcore.platform.temporal.internal.WorkflowContexts;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The standard workflow template: input validation, permission check, the team's business step,
 * completion event, {@link StandardWorkflowOutput}.
 *
 * <h2>How a team uses it: composition, not inheritance</h2>
 * The team writes an ordinary Temporal workflow (its own non-generic {@code @WorkflowInterface} with one
 * {@code @WorkflowMethod}, and a class implementing it) and calls {@link #run} from the workflow method:
 * <pre>{@code
 * public StandardWorkflowOutput<InvoiceIssued> issue(IssueInvoice request) {
 *     return StandardWorkflow.run("invoice.issue", request, IssueInvoice::problems,
 *             (req, ctx) -> activities.issue(req));
 * }
 * }</pre>
 * Why composition: the SDK allows exactly one {@code @WorkflowMethod} per interface, does not support
 * generic workflow interfaces and does not inherit {@code @WorkflowMethod}, so a generic base interface
 * or class could not carry the workflow method anyway; each team would still declare its own interface.
 * A static call keeps the team's class a plain Temporal implementation (no base class whose
 * constructor, fields or inherited methods the SDK's reflection has to tolerate), lets one workflow use
 * the template for one step among others, and leaves activity and child-workflow stubs entirely to the
 * team. The platform's own steps run as local activities registered by {@link TemporalWorkerRunner}
 * (or {@link TemporalPlatform#registerTemplateActivities}).
 *
 * <h2>The steps, in order</h2>
 * <ol>
 *   <li><b>Validation</b>, in workflow code (so it must be deterministic: look only at the input). Any
 *       messages fail the workflow with a non-retryable {@code ApplicationFailure} of type
 *       {@value #VALIDATION_ERROR} whose message joins them with {@code "; "} and whose details are the
 *       list of messages.</li>
 *   <li><b>Permission check</b>: the workflow's {@link PlatformContext} (the one it was started with, from its
 *       headers, roles included) and the operation go to the worker's {@link PermissionChecker}s. No context
 *       (none sent, or malformed headers), a context without a tenant, no checker, a denial, or a checker that
 *       keeps failing: non-retryable {@value #PERMISSION_DENIED}. Fail closed.</li>
 *   <li><b>Business step</b>: the team's code, with the context (also {@link PlatformContext#current()} and the
 *       MDC). Its activities and child workflows receive the context with the causation id set to this
 *       workflow's id.</li>
 *   <li><b>Completion event</b> {@code <operation>.completed} on the worker's {@code EventBus}, carrying
 *       tenant, user, correlation id, causation id = workflow id, the trace (CloudEvents extensions
 *       {@code traceparent} and {@code tracestate}) and data
 *       {@code {"workflowId","runId","workflowType","operation","status","result"}}. Its id is derived from the
 *       run id, so a retried publication repeats the same id.</li>
 * </ol>
 * Steps 1 and 2 failing publish nothing: nothing happened.
 *
 * <h2>Failure rule</h2>
 * When the business step throws a {@link TemporalFailure} (an activity or child workflow that failed
 * after its retries, an {@code ApplicationFailure} the step throws on purpose, a timeout), the template
 * publishes {@code <operation>.failed} (data {@code status "FAILED"}, {@code failureType},
 * {@code message}) and <b>rethrows</b> the failure, so the workflow fails. It does not return an output
 * with status {@code FAILED}: Temporal's own failure state is what visibility queries, parent workflows,
 * callers waiting on the result and alerting see, and a workflow that "completes" with a failed payload
 * would hide the failure from all of them. Any other exception is a bug: the SDK fails the workflow
 * task and retries it after the fix is deployed; no event is published.
 *
 * <h2>Cancellation</h2>
 * A cancellation request cancels the business step's activities, timers and child workflows as usual;
 * the template then publishes {@code <operation>.cancelled} from a detached scope and rethrows, so the
 * workflow ends as cancelled.
 *
 * <h2>Threads and cost</h2>
 * Stateless; call {@link #run} only from workflow code, on the workflow's own thread. Besides the business step, a
 * run costs two local activities (the permission check and the completion event), each a marker in the workflow's
 * history, and one bus publish on the worker.
 *
 * @since 0.1.0
 */
public final class StandardWorkflow {

    /** {@code ApplicationFailure} type of a validation failure. */
    public static final String VALIDATION_ERROR = "ValidationError";
    /** {@code ApplicationFailure} type of a permission denial (including "no checker configured"). */
    public static final String PERMISSION_DENIED = "PermissionDenied";

    private static final Pattern OPERATION = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
    private static final int MAX_OPERATION_LENGTH = 180;

    private static final LocalActivityOptions PERMISSION_OPTIONS = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofSeconds(5))
                    .setMaximumAttempts(5)
                    .build())
            .build();
    private static final LocalActivityOptions PUBLISH_OPTIONS = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setScheduleToCloseTimeout(Duration.ofHours(1))
            .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofSeconds(30))
                    .build())
            .build();

    private StandardWorkflow() {}

    /**
     * Checks the input and returns every problem found.
     *
     * @param <I> the input type
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Validator<I> {
        /**
         * Validates deterministically (this runs in workflow code).
         *
         * @param input the workflow input, never {@code null}
         * @return every problem found, empty when the input is valid
         * @since 0.1.0
         */
        List<String> validate(I input);
    }

    /**
     * The team's business step: workflow code that calls the team's activities and child workflows.
     *
     * @param <I> the input type
     * @param <O> the result type
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface BusinessStep<I, O> {
        /**
         * Runs the business step.
         *
         * @param input the validated input
         * @param context the workflow's context, with a tenant (also {@link PlatformContext#current()}, the MDC, and
         *     in every activity's headers)
         * @return the result, placed in the output and the completion event; may be {@code null}
         * @since 0.1.0
         */
        @Nullable
        O execute(I input, PlatformContext context);
    }

    /**
     * Runs the template. Call it from a workflow method only.
     *
     * @param operation what the workflow does, as permission name and event type prefix: lower-case
     *     dot-separated words of {@code [a-z0-9_-]}, at most 180 characters, e.g. {@code "invoice.issue"}
     * @param input the workflow input
     * @param validator the input validation
     * @param step the business step
     * @param <I> the input type
     * @param <O> the result type
     * @return the output, status {@link WorkflowStatus#COMPLETED}
     * @throws ApplicationFailure of type {@value #VALIDATION_ERROR} or {@value #PERMISSION_DENIED},
     *     non-retryable, when validation or the permission check fails
     * @throws TemporalFailure the business step's failure, after the failure or cancellation event
     * @throws IllegalArgumentException when {@code operation} is malformed (a bug: the workflow task
     *     fails and is retried)
     * @throws IllegalStateException when called outside workflow code, or on a worker without the platform
     *     interceptor (the context would be lost; the workflow task fails and is retried once the worker is built
     *     with {@link TemporalPlatform})
     * @since 0.1.0
     */
    public static <I, O> StandardWorkflowOutput<O> run(
            String operation,
            @Nullable I input,
            Validator<? super I> validator,
            BusinessStep<? super I, ? extends O> step) {
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(step, "step");
        if (operation == null
                || operation.length() > MAX_OPERATION_LENGTH
                || !OPERATION.matcher(operation).matches()) {
            throw new IllegalArgumentException("operation must be lower-case dot-separated words of [a-z0-9_-], at "
                    + "most " + MAX_OPERATION_LENGTH + " characters, e.g. 'invoice.issue' (was '" + operation + "')");
        }
        Logger log = Workflow.getLogger(StandardWorkflow.class);
        WorkflowInfo info = Workflow.getInfo();
        Optional<PlatformContext> bound = PlatformContext.current();
        if (bound.isEmpty() && !WorkflowContexts.isBound() && WorkflowContexts.carried() != null) {
            throw new IllegalStateException("workflow " + info.getWorkflowId() + " carries a PlatformContext but the "
                    + "worker does not bind it: build the worker's factory on a client from "
                    + "TemporalPlatform.clientOptions(), or with TemporalPlatform.workerFactoryOptions()");
        }

        // 1. Validation
        List<String> problems = input == null ? List.of("input must not be null") : validator.validate(input);
        if (problems != null && !problems.isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure(
                    String.join("; ", problems), VALIDATION_ERROR, List.copyOf(problems));
        }
        I valid = Objects.requireNonNull(input);

        // 2. Permission (fail closed)
        PlatformContext context = bound.orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                "the workflow "
                        + "carries no PlatformContext (none was sent, or its headers were malformed), so the operation is "
                        + "denied: start it through TemplateClient, or with a PlatformContext bound on the starting thread",
                PERMISSION_DENIED));
        if (context.tenantId().isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "the workflow's PlatformContext has no tenant (correlation "
                            + "id " + context.correlationId()
                            + "), so the operation is denied: a template workflow runs for "
                            + "one tenant",
                    PERMISSION_DENIED);
        }
        TemplateActivities permission = Workflow.newLocalActivityStub(TemplateActivities.class, PERMISSION_OPTIONS);
        PermissionDecision decision;
        try {
            decision = permission.checkPermission(operation);
        } catch (ActivityFailure e) {
            if (CancellationScope.current().isCancelRequested()) {
                throw e;
            }
            decision = new PermissionDecision(
                    false, "the permission check failed, so the operation is denied: " + rootMessage(e));
        }
        if (!decision.permitted()) {
            throw ApplicationFailure.newNonRetryableFailure(decision.reason(), PERMISSION_DENIED);
        }

        // 3. Business step
        O result;
        try {
            result = step.execute(valid, context);
        } catch (TemporalFailure e) {
            boolean cancelled = CancellationScope.current().isCancelRequested();
            WorkflowStatus status = cancelled ? WorkflowStatus.CANCELLED : WorkflowStatus.FAILED;
            String data = envelope(info, operation, status) + ",\"failureType\":" + JsonStrings.quote(failureType(e))
                    + ",\"message\":" + JsonStrings.quote(rootMessage(e)) + '}';
            String type = operation + (cancelled ? ".cancelled" : ".failed");
            try {
                Workflow.newDetachedCancellationScope(() -> publish(info, type, data))
                        .run();
            } catch (TemporalFailure publishFailure) {
                log.warn(
                        "Could not publish {} for workflow {}: {}",
                        type,
                        info.getWorkflowId(),
                        publishFailure.getMessage());
                e.addSuppressed(publishFailure);
            }
            throw e;
        }

        // 4. Completion event
        publish(
                info,
                operation + ".completed",
                envelope(info, operation, WorkflowStatus.COMPLETED) + ",\"result\":" + toJson(result) + '}');
        return new StandardWorkflowOutput<>(
                info.getWorkflowId(),
                WorkflowStatus.COMPLETED,
                result,
                Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    }

    private static void publish(WorkflowInfo info, String type, String data) {
        Workflow.newLocalActivityStub(TemplateActivities.class, PUBLISH_OPTIONS)
                .publishEvent(new EventRequest(
                        type,
                        info.getNamespace(),
                        info.getWorkflowType(),
                        info.getWorkflowId(),
                        info.getRunId(),
                        data));
    }

    private static String envelope(WorkflowInfo info, String operation, WorkflowStatus status) {
        return "{\"workflowId\":" + JsonStrings.quote(info.getWorkflowId()) + ",\"runId\":"
                + JsonStrings.quote(info.getRunId()) + ",\"workflowType\":" + JsonStrings.quote(info.getWorkflowType())
                + ",\"operation\":" + JsonStrings.quote(operation) + ",\"status\":" + JsonStrings.quote(status.name());
    }

    private static String toJson(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        Optional<Payload> payload = GlobalDataConverter.get().toPayload(value);
        if (payload.isPresent()
                && "json/plain"
                        .equals(payload.get()
                                .getMetadataOrDefault("encoding", com.google.protobuf.ByteString.EMPTY)
                                .toStringUtf8())) {
            return payload.get().getData().toString(StandardCharsets.UTF_8);
        }
        return "null";
    }

    private static String failureType(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof ApplicationFailure a) {
                return a.getType();
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return (t == null ? e : t).getClass().getSimpleName();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t instanceof ApplicationFailure a ? a.getOriginalMessage() : t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
