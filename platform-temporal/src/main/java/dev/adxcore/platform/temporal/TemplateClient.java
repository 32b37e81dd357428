package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.PlatformContext;
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
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Starts standard-template workflows idempotently, for the tenant of a {@link PlatformContext}.
 *
 * <pre>{@code
 * try (PlatformContext.Scope ignored = requestContext.bind()) {          // usually done once, at the edge
 *     templates.start(IssueInvoiceWorkflow.class, "order-42", new IssueInvoice("c-7", 1250));
 * }
 * }</pre>
 *
 * <p><b>Workflow ids</b> are {@code <workflow type>/<tenant id>/<idempotency key>}, the tenant in the UUID's text
 * form. Starting the same tenant's operation with the same key again returns the existing execution, running or
 * finished (also failed), instead of running the business step twice; use a new key to try an operation again
 * after it failed. The type and the key are 1 to 200 characters of {@code A-Z a-z 0-9 . _ : + = @ | ~ -}, so a
 * workflow id is at most 438 characters and always a valid causation id: the events and activities the workflow
 * causes carry it ({@link #workflowId}).
 *
 * <p><b>Context.</b> The whole context (tenant, user, roles, correlation and causation ids, trace, causal token)
 * travels in the workflow's headers ({@link TemporalHeaders}). {@code start} without a context uses the one bound
 * on the calling thread ({@link PlatformContext#current()}); the overloads with a context bind that one while the
 * start request is made, and restore the caller's afterwards. Either way a context without a tenant is refused:
 * the template never runs for no tenant (and denies a workflow started without one elsewhere).
 *
 * <p>Thread-safe; cheap (a wrapper around the {@code WorkflowClient}); each start is one request to Temporal.
 *
 * @since 0.1.0
 */
public final class TemplateClient {

    private static final int MAX_PART_LENGTH = 200;
    private static final String PART_CHARACTERS = "A-Z a-z 0-9 . _ : + = @ | ~ -";

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
     * @throws IllegalArgumentException when the client lacks the platform context propagator or the task queue is
     *     blank
     * @since 0.1.0
     */
    public static TemplateClient create(WorkflowClient client, String taskQueue) {
        Objects.requireNonNull(client, "client");
        if (!TemporalPlatform.isConfigured(client)) {
            throw new IllegalArgumentException("the WorkflowClient has no platform ContextPropagator, so the "
                    + "PlatformContext would not reach the workflow: build it with TemporalPlatform.clientOptions()");
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
     * @return {@code <workflowType>/<tenantId>/<idempotencyKey>}, at most 438 characters, a valid causation id
     * @throws IllegalArgumentException when the type or the key is empty, longer than 200 characters, or has a
     *     character other than {@code A-Z a-z 0-9 . _ : + = @ | ~ -}; the message names the part and the position of
     *     the first bad character, never the value. Since no part can contain the separator {@code /}, two different
     *     (type, tenant, key) triples never share a workflow id
     * @since 0.1.0
     */
    public static String workflowId(String workflowType, UUID tenantId, String idempotencyKey) {
        Objects.requireNonNull(tenantId, "tenantId");
        return part("workflowType", workflowType) + '/' + tenantId + '/' + part("idempotencyKey", idempotencyKey);
    }

    /**
     * Starts a template workflow by interface for the context bound on the calling thread, or returns the existing
     * execution with the same id.
     *
     * @param workflowInterface the team's {@code @WorkflowInterface}
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalStateException when no context is bound on this thread, or the bound one has no tenant
     * @throws IllegalArgumentException when the interface has no workflow method or an id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(Class<?> workflowInterface, String idempotencyKey, @Nullable Object input) {
        return start(workflowType(workflowInterface), idempotencyKey, input);
    }

    /**
     * Starts a template workflow by interface for the given context, or returns the existing execution with the same
     * id.
     *
     * @param workflowInterface the team's {@code @WorkflowInterface}
     * @param context the context the workflow runs with; it must have a tenant
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalArgumentException when the context has no tenant, the interface has no workflow method or an
     *     id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(
            Class<?> workflowInterface, PlatformContext context, String idempotencyKey, @Nullable Object input) {
        return start(workflowType(workflowInterface), context, idempotencyKey, input);
    }

    /**
     * Starts a template workflow by type name for the context bound on the calling thread, or returns the existing
     * execution with the same id.
     *
     * @param workflowType the workflow type (by default the interface's simple name)
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalStateException when no context is bound on this thread, or the bound one has no tenant
     * @throws IllegalArgumentException when an id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(String workflowType, String idempotencyKey, @Nullable Object input) {
        Thread thread = Thread.currentThread();
        PlatformContext context = PlatformContext.current()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "TemplateClient.start without a context uses the PlatformContext bound on the calling thread, and "
                                        + "none is bound on thread '" + thread.getName()
                                        + "': bind the request's context "
                                        + "(try (var scope = context.bind()) { ... }) or pass it with start(type, context, key, input)"));
        UUID tenant = context.tenantId()
                .orElseThrow(() -> new IllegalStateException("the PlatformContext bound on "
                        + "thread '" + thread.getName() + "' has no tenant (correlation id " + context.correlationId()
                        + "), and a template workflow runs for one tenant: bind a context with a tenant or pass one with "
                        + "start(type, context, key, input)"));
        return startBound(workflowType, tenant, idempotencyKey, input);
    }

    /**
     * Starts a template workflow by type name for the given context, or returns the existing execution with the same
     * id.
     *
     * @param workflowType the workflow type (by default the interface's simple name)
     * @param context the context the workflow runs with; it must have a tenant
     * @param idempotencyKey identifies the business operation within the tenant
     * @param input the workflow method's argument
     * @return a stub bound to the started or existing execution; {@code getResult(...)} waits for it
     * @throws IllegalArgumentException when the context has no tenant or an id part is invalid
     * @since 0.1.0
     */
    public WorkflowStub start(
            String workflowType, PlatformContext context, String idempotencyKey, @Nullable Object input) {
        Objects.requireNonNull(context, "context");
        UUID tenant = context.tenantId()
                .orElseThrow(() -> new IllegalArgumentException("the PlatformContext has no "
                        + "tenant (correlation id " + context.correlationId()
                        + "), and a template workflow runs for one "
                        + "tenant: build the context with PlatformContext.builder().tenantId(...)"));
        String workflowId = workflowId(workflowType, tenant, idempotencyKey);
        try (PlatformContext.Scope ignored = context.bind()) {
            return startBound(workflowType, workflowId, input);
        }
    }

    /**
     * A stub of the bound tenant's template workflow with this idempotency key, to read its outcome or signal it
     * (the execution may not exist: {@code getResult} then throws {@link io.temporal.client.WorkflowNotFoundException}).
     * Another tenant's execution is never reached: the workflow id carries the bound tenant.
     *
     * @param workflowInterface the team's {@code @WorkflowInterface}
     * @param idempotencyKey the key it was started with
     * @return a stub of {@code <workflowType>/<bound tenant>/<idempotencyKey>}
     * @throws IllegalStateException when no context with a tenant is bound on this thread
     * @throws IllegalArgumentException when the interface has no workflow method or the key is invalid
     * @since 0.1.0
     */
    public WorkflowStub existing(Class<?> workflowInterface, String idempotencyKey) {
        String workflowType = workflowType(workflowInterface);
        PlatformContext context = PlatformContext.current()
                .filter(c -> c.tenantId().isPresent())
                .orElseThrow(() -> new IllegalStateException("TemplateClient.existing finds the workflow of the tenant "
                        + "bound on this thread, and no PlatformContext with a tenant is bound on thread '"
                        + Thread.currentThread().getName() + "': bind the request's context first"));
        String workflowId = workflowId(workflowType, context.requireTenantId(), idempotencyKey);
        return client.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.of(workflowType));
    }

    private WorkflowStub startBound(String workflowType, UUID tenant, String idempotencyKey, @Nullable Object input) {
        return startBound(workflowType, workflowId(workflowType, tenant, idempotencyKey), input);
    }

    /** Starts with the context bound on this thread: the propagator writes it into the start request's headers. */
    private WorkflowStub startBound(String workflowType, String workflowId, @Nullable Object input) {
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build();
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowType, options);
        try {
            stub.start(input);
            return stub;
        } catch (WorkflowExecutionAlreadyStarted e) {
            return client.newUntypedWorkflowStub(e.getExecution(), Optional.of(workflowType));
        }
    }

    private static String workflowType(Class<?> workflowInterface) {
        Objects.requireNonNull(workflowInterface, "workflowInterface");
        POJOWorkflowMethodMetadata method = POJOWorkflowInterfaceMetadata.newInstance(workflowInterface)
                .getWorkflowMethod()
                .orElseThrow(
                        () -> new IllegalArgumentException(workflowInterface.getName() + " has no @WorkflowMethod"));
        return method.getName();
    }

    private static String part(String name, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty: it is part of the workflow id");
        }
        if (value.length() > MAX_PART_LENGTH) {
            throw new IllegalArgumentException(
                    name + " must be at most " + MAX_PART_LENGTH + " characters (was " + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new IllegalArgumentException(name + " must not contain '/', since it separates the parts of the "
                        + "workflow id (at index " + i + ")");
            }
            if (!allowed(c)) {
                // The value is not echoed: it may come from a request and carry control characters into logs.
                throw new IllegalArgumentException(String.format(
                        "%s may contain only %s, so that the workflow id is "
                                + "a valid causation id (U+%04X at index %d)",
                        name, PART_CHARACTERS, (int) c, i));
            }
        }
        return value;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "._:+=@|~-".indexOf(c) >= 0;
    }
}
