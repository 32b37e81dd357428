package ${package}.impl;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The activation workflow's business activity. */
@ActivityInterface
public interface ${Entity}Activities {

    /**
     * Marks the ${entity} active, in the tenant of the workflow's context.
     *
     * @param request the ${entity}
     * @return the result
     */
    @ActivityMethod
    ActivationResult activate(Activate${Entity} request);
}
