package dev.adxcore.platform.temporal;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a standard-template workflow returns: its id, its status, the business step's result and when
 * it completed (workflow time). Serialized by Temporal's default (Jackson) data converter; declare it
 * with a concrete type argument in the workflow method, e.g.
 * {@code StandardWorkflowOutput<InvoiceIssued> issue(IssueInvoice request)}. Immutable (its result as far as
 * that is).
 *
 * @param workflowId the workflow id ({@code <workflow type>/<tenant>/<idempotency key>} when started
 *     through {@link TemplateClient})
 * @param status the status; {@link WorkflowStatus#COMPLETED} for every returned output (failures and
 *     cancellations end the workflow instead, see {@link StandardWorkflow})
 * @param result the business step's result, {@code null} when the step returns nothing
 * @param completedAt when the business step completed, in workflow time
 * @param <O> the business result type
 * @since 0.1.0
 */
public record StandardWorkflowOutput<O>(
        String workflowId, WorkflowStatus status, @Nullable O result, Instant completedAt) {

    /**
     * Checks the required components.
     *
     * @param workflowId the workflow id
     * @param status the status
     * @param result the result, may be {@code null}
     * @param completedAt the completion time
     * @throws NullPointerException when {@code workflowId}, {@code status} or {@code completedAt} is null
     * @since 0.1.0
     */
    public StandardWorkflowOutput {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(completedAt, "completedAt");
    }
}
