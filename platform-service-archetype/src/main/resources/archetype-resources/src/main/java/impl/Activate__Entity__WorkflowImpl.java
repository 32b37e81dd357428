package ${package}.impl;

import dev.adxcore.platform.temporal.StandardWorkflow;
import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The activation workflow: the standard template around one activity. */
public class Activate${Entity}WorkflowImpl implements Activate${Entity}Workflow {

    private final ${Entity}Activities activities = Workflow.newActivityStub(${Entity}Activities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(10))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofMillis(200))
                            .setMaximumInterval(Duration.ofSeconds(5))
                            .setMaximumAttempts(5)
                            .build())
                    .build());

    @Override
    public StandardWorkflowOutput<ActivationResult> activate(Activate${Entity} request) {
        return StandardWorkflow.run(OPERATION, request, Activate${Entity}::problems,
                (req, context) -> activities.activate(req));
    }
}
