package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.temporal.StandardWorkflow;
import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The onboarding workflow: the standard template around one activity. */
public class OnboardingWorkflowImpl implements OnboardingWorkflow {

    private final OnboardingActivities activities = Workflow.newActivityStub(
            OnboardingActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(10))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofMillis(200))
                            .setMaximumInterval(Duration.ofSeconds(5))
                            .setMaximumAttempts(5)
                            .build())
                    .build());

    @Override
    public StandardWorkflowOutput<OnboardingResult> onboard(OnboardUser request) {
        return StandardWorkflow.run(
                OPERATION, request, OnboardUser::problems, (req, context) -> activities.activate(req));
    }
}
