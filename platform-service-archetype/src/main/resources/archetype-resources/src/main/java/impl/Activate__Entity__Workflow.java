package ${package}.impl;

import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Activates a new ${entity} on the standard template: validate, check permission, activate, publish. */
@WorkflowInterface
public interface Activate${Entity}Workflow {

    /** The template operation: permission name and event type prefix ({@code ${entity}.activate.completed}). */
    String OPERATION = "${entity}.activate";

    /**
     * Runs the activation.
     *
     * @param request the ${entity} to activate
     * @return the template's output with the activated ${entity}
     */
    @WorkflowMethod
    StandardWorkflowOutput<ActivationResult> activate(Activate${Entity} request);
}
