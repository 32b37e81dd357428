package dev.adxcore.platform.examples.springtenantservice;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The onboarding workflow's business activity. */
@ActivityInterface
public interface OnboardingActivities {

    /**
     * Marks the user active, in the tenant of the workflow's context.
     *
     * @param request the user
     * @return the result
     */
    @ActivityMethod
    OnboardingResult activate(OnboardUser request);
}
