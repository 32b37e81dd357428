package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Onboards a new user on the standard template: validate, check permission, activate, publish. */
@WorkflowInterface
public interface OnboardingWorkflow {

    /** The template operation: permission name and event type prefix ({@code user.onboard.completed}). */
    String OPERATION = "user.onboard";

    /**
     * Runs the onboarding.
     *
     * @param request the user to onboard
     * @return the template's output with the activated user
     */
    @WorkflowMethod
    StandardWorkflowOutput<OnboardingResult> onboard(OnboardUser request);
}
