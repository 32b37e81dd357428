package dev.adxcore.platform.temporal;

import dev.adxcore.platform.core.MdcKeys;
import dev.adxcore.platform.core.PlatformContext;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/** A product team's workflow on the template, used by the tests; {@link Order#mode()} selects a behaviour. */
final class Orders {

    static final String OPERATION = "order.place";

    private Orders() {}

    /** @param mode ok, fail, child, await (until cancelled), block (first attempt waits for a latch) */
    record Order(String item, int quantity, String mode) {
        static Order of(String mode) {
            return new Order("book", 1, mode);
        }

        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (item == null || item.isBlank()) {
                problems.add("item must not be blank");
            }
            if (quantity < 1) {
                problems.add("quantity must be >= 1 (was " + quantity + ")");
            }
            return problems;
        }
    }

    record Placed(String reservation) {}

    /** What workflow or activity code saw: where it ran, the bound context and the MDC context keys. */
    record Seen(String where, PlatformContext context, Map<String, String> mdc) {}

    /** What the business steps saw (workflow code), across all workflows of a test. */
    static final Queue<Seen> WORKFLOW_SEEN = new ConcurrentLinkedQueue<>();

    static Map<String, String> mdc() {
        Map<String, String> mdc = new java.util.HashMap<>();
        for (String key : List.of(
                MdcKeys.TENANT_ID,
                MdcKeys.USER_ID,
                MdcKeys.CORRELATION_ID,
                MdcKeys.CAUSATION_ID,
                MdcKeys.TRACE_ID,
                MdcKeys.SPAN_ID)) {
            String value = MDC.get(key);
            if (value != null) {
                mdc.put(key, value);
            }
        }
        return mdc;
    }

    @WorkflowInterface
    public interface PlaceOrderWorkflow {
        @WorkflowMethod
        StandardWorkflowOutput<Placed> place(Order order);
    }

    @WorkflowInterface
    public interface ShipWorkflow {
        @WorkflowMethod
        String ship(Order order);
    }

    @ActivityInterface
    public interface OrderActivities {
        String reserve(Order order);

        String ship(Order order);
    }

    public static final class PlaceOrderWorkflowImpl implements PlaceOrderWorkflow {
        private final OrderActivities activities = Workflow.newActivityStub(
                OrderActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(5))
                        .setRetryOptions(RetryOptions.newBuilder()
                                .setInitialInterval(Duration.ofMillis(100))
                                .setMaximumAttempts(5)
                                .build())
                        .build());

        @Override
        public StandardWorkflowOutput<Placed> place(Order order) {
            return StandardWorkflow.run(OPERATION, order, Order::problems, (o, ctx) -> {
                if (!Workflow.isReplaying()) {
                    WORKFLOW_SEEN.add(new Seen("business step", ctx, mdc()));
                    WORKFLOW_SEEN.add(new Seen(
                            "PlatformContext.current()",
                            PlatformContext.current().orElse(null),
                            mdc()));
                }
                String reservation = activities.reserve(o);
                if (o.mode().equals("child")) {
                    Workflow.newChildWorkflowStub(
                                    ShipWorkflow.class,
                                    ChildWorkflowOptions.newBuilder()
                                            .setWorkflowId(Workflow.getInfo().getWorkflowId() + "/ship")
                                            .build())
                            .ship(o);
                }
                if (o.mode().equals("await")) {
                    Workflow.await(() -> false);
                }
                return new Placed(reservation);
            });
        }
    }

    public static final class ShipWorkflowImpl implements ShipWorkflow {
        private final OrderActivities activities = Workflow.newActivityStub(
                OrderActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(5))
                        .build());

        @Override
        public String ship(Order order) {
            return activities.ship(order);
        }
    }

    /** Records what every call saw; fails or blocks as the test configures. */
    public static final class OrderActivitiesImpl implements OrderActivities {
        final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
        final AtomicInteger reserveAttempts = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile int transientFailures;

        @Override
        public String reserve(Order order) {
            record();
            int attempt = reserveAttempts.incrementAndGet();
            entered.countDown();
            if (order.mode().equals("block") && attempt == 1) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (attempt <= transientFailures) {
                throw new IllegalStateException("inventory service unavailable (attempt " + attempt + ")");
            }
            if (order.mode().equals("fail")) {
                throw ApplicationFailure.newNonRetryableFailure("out of stock: " + order.item(), "OutOfStock");
            }
            return "R-" + order.item() + "-" + attempt;
        }

        @Override
        public String ship(Order order) {
            record();
            return "shipped";
        }

        private void record() {
            seen.add(new Seen(
                    Activity.getExecutionContext().getInfo().getActivityType(),
                    PlatformContext.current().orElse(null),
                    mdc()));
        }
    }
}
