package dev.adxcore.platform.temporal;

/**
 * Where a standard-template workflow stands. Carried in {@link StandardWorkflowOutput} and in the
 * {@code status} field of the events the template publishes. Immutable and thread-safe, like every enum.
 *
 * @since 0.1.0
 */
public enum WorkflowStatus {
    /** Started and not yet finished. */
    RUNNING,
    /** The business step finished and the completion event was published. */
    COMPLETED,
    /** The business step failed; a failure event was published and the workflow failed. */
    FAILED,
    /** The workflow was cancelled during the business step; a cancellation event was published. */
    CANCELLED
}
