package dev.adxcore.platform.temporal.internal;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The platform's own steps of the standard template, run as local activities on the worker that runs
 * the workflow (where its {@code PermissionChecker}s and {@code EventBus} live). The prefix keeps the
 * activity types ({@code AdxPlatform.CheckPermission}, {@code AdxPlatform.PublishEvent}) clear of a
 * product team's own names.
 *
 * <p>Implementations must be thread-safe: local activities run concurrently on the worker's activity threads.
 * Each call costs a local activity, recorded as a marker in the workflow's history.
 */
@ActivityInterface(namePrefix = "AdxPlatform.")
public interface TemplateActivities {

    /**
     * Asks the configured permission checkers about the context in the activity headers.
     *
     * @param operation the template operation
     * @return the decision
     */
    @ActivityMethod
    PermissionDecision checkPermission(String operation);

    /**
     * Publishes a template event carrying the context in the activity headers.
     *
     * @param request what to publish
     */
    @ActivityMethod
    void publishEvent(EventRequest request);

    /**
     * A permission decision.
     *
     * @param permitted whether the operation may run
     * @param reason why it was denied, empty when permitted
     */
    record PermissionDecision(boolean permitted, String reason) {}

    /**
     * A template event to publish.
     *
     * @param type the event type, e.g. {@code invoice.issue.completed}
     * @param namespace the Temporal namespace
     * @param workflowType the workflow type
     * @param workflowId the workflow id (also the event's causation id and aggregate id)
     * @param runId the run id (with the type, makes the event id deterministic, so a retried publication
     *     has the same id and consumers can deduplicate)
     * @param dataJson the event data as JSON
     */
    record EventRequest(
            String type, String namespace, String workflowType, String workflowId, String runId, String dataJson) {}
}
