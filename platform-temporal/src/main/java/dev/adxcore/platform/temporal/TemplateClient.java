package dev.adxcore.platform.temporal;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.metadata.POJOWorkflowInterfaceMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts standard-template workflows idempotently. The workflow id is
 * {@code <workflow type>/<tenant id>/<idempotency key>}; starting the same tenant's operation with the
 * same key again returns the existing execution, running or finished (also failed), instead of running
 * the business step twice. Use a new key to try an operation again after it failed.
 *
 * <p>The context is bound to the calling thread only while the start request is made, so it travels in
 * the workflow's headers. Thread-safe; cheap (a wrapper around the {@code WorkflowClient}).
 *
 * @since 0.1.0
 */
public final class TemplateClient {

    private static final int MAX_PART_LENGTH = 200;

    private final WorkflowClient client;
    private final String taskQueue;

    private TemplateClient(WorkflowClient client, String taskQueue) {
        this.client = client;
        this.taskQueue = taskQueue;
    }

    /**
     * Creates a template client.
     *
     * @param client a client built with {@link TemporalPlatform#clientOptions()}
     * @param taskQueue the task queue the template workflows' worker polls
     * @return the template client
     * @throws IllegalArgumentException when the client lacks the platform context propagator or the task
     *     queue is blank
     * @since 0.1.0
     */
    public static TemplateClient create(WorkflowClient client, String taskQueue) {
        Objects.requireNonNull(client, "client");
        if (!TemporalPlatform.isConfigured(client)) {
            throw new IllegalArgumentException("the WorkflowClient has no platform ContextPropagator, so the "
                    + "WorkflowContext would not reach the workflow: build it with TemporalPlatform.clientOptions()");
        }
        if (taskQueue == null || taskQueue.isBlank()) {
            throw new IllegalArgumentException("taskQueue must not be blank (was '" + taskQueue + "')");
        }
        return new TemplateClient(client, taskQueue);
    }

    /**
     * The workflow id of a template workflow.
     *
     * @param workflowType the workflow type
     * @param tenantId the tenant
     * @param idempotencyKey the business operation's idempotency key
     * @return {@code <workflowType>/<tenantId>/<idempotencyKey>}
     * @throws IllegalArgumentException when a part is blank, longer than 200 characters, or contains
     *     {@code '/'}, control characters or unpaired surrogate characters. Other characters, whitespace
     *     included, are kept verbatim: since no part can contain the separator, two different
     *     (type, tenant, key) triples never share a workflow id
     * @since 0.1.0
     */
    public static String workflowId(String workflowType, String tenantId, String idempotencyKey) {
        return part("workflowType", workflowType) + '/' + part("tenantId", tenantId) + '/'
                + part("idempotencyKey", idempotencyKey);
    }

    /**
     * Starts a template workflow by interface, or returns the existing execution with the same id.
     *
     * @param workflowInterface the team's {@code @WorkflowInterface}
     * @param context the tenant, user, correlation and trace ids
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalArgumentException when the interface has no workflow method or an id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(Class<?> workflowInterface, WorkflowContext context, String idempotencyKey,
            Object input) {
        POJOWorkflowMethodMetadata method = POJOWorkflowInterfaceMetadata.newInstance(workflowInterface)
                .getWorkflowMethod().orElseThrow(() -> new IllegalArgumentException(
                        workflowInterface.getName() + " has no @WorkflowMethod"));
        return start(method.getName(), context, idempotencyKey, input);
    }

    /**
     * Starts a template workflow by type name, or returns the existing execution with the same id.
     *
     * @param workflowType the workflow type (by default the interface's simple name)
     * @param context the tenant, user, correlation and trace ids
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalArgumentException when an id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(String workflowType, WorkflowContext context, String idempotencyKey, Object input) {
        Objects.requireNonNull(context, "context");
        String workflowId = workflowId(workflowType, context.tenantId(), idempotencyKey);
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build();
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowType, options);
        try (WorkflowContext.Scope ignored = context.bind()) {
            stub.start(input);
            return stub;
        } catch (WorkflowExecutionAlreadyStarted e) {
            return client.newUntypedWorkflowStub(e.getExecution(), Optional.of(workflowType));
        }
    }

    private static String part(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank (was '" + value + "')");
        }
        if (value.length() > MAX_PART_LENGTH) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_PART_LENGTH + " characters (was "
                    + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new IllegalArgumentException(name + " must not contain '/', since it separates the parts of "
                        + "the workflow id (was '" + value + "')");
            }
            if (Character.isISOControl(c)) {
                // The value is not echoed: it would carry the control character into logs.
                throw new IllegalArgumentException(String.format("%s must not contain control characters, since it "
                        + "is part of the workflow id (U+%04X at index %d)", name, (int) c, i));
            }
        }
        int unpaired = WorkflowContext.unpairedSurrogate(value);
        if (unpaired >= 0) {
            // Sent as UTF-8 it would become '?', so tenant "a" + U+D800 and tenant "a?" would share one workflow id.
            throw new IllegalArgumentException(name + " must not contain unpaired surrogate characters, since it is "
                    + "part of the workflow id (at index " + unpaired + ")");
        }
        return value;
    }
}
