package dev.adxcore.platform.benchmarks.temporal;

import dev.adxcore.platform.temporal.StandardWorkflow;
import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;

/** The workflows compared: the same business activity with and without the template. */
public final class BenchWorkflows {

    private BenchWorkflows() {}

    public record Order(String item, int quantity) {
        List<String> problems() {
            return item.isBlank() || quantity < 1 ? List.of("bad order") : List.of();
        }
    }

    public record Reserved(String reservation) {}

    @ActivityInterface
    public interface BenchActivities {
        Reserved reserve(Order order);

        /** What a bare workflow does in place of each platform step: a local activity that does nothing. */
        void noop(String step);
    }

    public static final class BenchActivitiesImpl implements BenchActivities {
        @Override
        public Reserved reserve(Order order) {
            return new Reserved("R-" + order.item());
        }

        @Override
        public void noop(String step) {}
    }

    private static final ActivityOptions ACTIVITY = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .build();
    private static final LocalActivityOptions LOCAL = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .build();

    /** The template: validation, permission (local activity), reserve (activity), event (local activity). */
    @WorkflowInterface
    public interface TemplateOrderWorkflow {
        @WorkflowMethod
        StandardWorkflowOutput<Reserved> place(Order order);
    }

    public static final class TemplateOrderWorkflowImpl implements TemplateOrderWorkflow {
        private final BenchActivities activities = Workflow.newActivityStub(BenchActivities.class, ACTIVITY);

        @Override
        public StandardWorkflowOutput<Reserved> place(Order order) {
            return StandardWorkflow.run("order.place", order, Order::problems, (o, ctx) -> activities.reserve(o));
        }
    }

    /** Bare, same activities: local no-op, reserve (activity), local no-op. No context, no events. */
    @WorkflowInterface
    public interface BareOrderWorkflow {
        @WorkflowMethod
        Reserved place(Order order);
    }

    public static final class BareOrderWorkflowImpl implements BareOrderWorkflow {
        private final BenchActivities activities = Workflow.newActivityStub(BenchActivities.class, ACTIVITY);
        private final BenchActivities local = Workflow.newLocalActivityStub(BenchActivities.class, LOCAL);

        @Override
        public Reserved place(Order order) {
            local.noop("permission");
            Reserved reserved = activities.reserve(order);
            local.noop("publish");
            return reserved;
        }
    }

    /** Bare, business activity only: the floor. */
    @WorkflowInterface
    public interface BusinessOnlyWorkflow {
        @WorkflowMethod
        Reserved place(Order order);
    }

    public static final class BusinessOnlyWorkflowImpl implements BusinessOnlyWorkflow {
        private final BenchActivities activities = Workflow.newActivityStub(BenchActivities.class, ACTIVITY);

        @Override
        public Reserved place(Order order) {
            return activities.reserve(order);
        }
    }
}
