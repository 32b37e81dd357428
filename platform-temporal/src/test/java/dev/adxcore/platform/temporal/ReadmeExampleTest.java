package dev.adxcore.platform.temporal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** The README's example, verbatim: a billing team's workflow on the template, and its test. */
class ReadmeExampleTest {

    // --- README: the workflow ---
    public record IssueInvoice(String customerId, long amountCents) {
        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (customerId == null || customerId.isBlank()) problems.add("customerId must not be blank");
            if (amountCents <= 0) problems.add("amountCents must be > 0 (was " + amountCents + ")");
            return problems;
        }
    }

    public record Invoice(String number, long amountCents) {}

    @ActivityInterface
    public interface InvoiceActivities {
        Invoice create(IssueInvoice request);
    }

    @WorkflowInterface
    public interface IssueInvoiceWorkflow {
        @WorkflowMethod
        StandardWorkflowOutput<Invoice> issue(IssueInvoice request);
    }

    public static class IssueInvoiceWorkflowImpl implements IssueInvoiceWorkflow {
        private final InvoiceActivities invoices = Workflow.newActivityStub(
                InvoiceActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(10))
                        .build());

        @Override
        public StandardWorkflowOutput<Invoice> issue(IssueInvoice request) {
            return StandardWorkflow.run(
                    "invoice.issue", request, IssueInvoice::problems, (req, ctx) -> invoices.create(req));
        }
    }
    // --- end of the workflow ---

    public static class InvoiceActivitiesImpl implements InvoiceActivities {
        @Override
        public Invoice create(IssueInvoice request) {
            return new Invoice("INV-1", request.amountCents());
        }
    }

    // --- README: the test ---
    static final UUID ACME = UUID.fromString("3f2c4a1e-9b7d-4c55-8e0a-1d2b3c4d5e6f");

    @Test
    void issuesTheInvoiceAndPublishesInvoiceIssueCompleted() throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                        .setWorkflowClientOptions(
                                TemporalPlatform.clientOptions().build())
                        .build());
                EventBus bus = EventBuses.open(URI.create("memory:/"));
                TemporalWorkerRunner worker = TemporalWorkerRunner.builder(env.getWorkflowClient(), "billing")
                        .eventBus(bus)
                        .permissionChecker((ctx, operation) -> ctx.hasRole("billing"))
                        .workflowImplementationTypes(IssueInvoiceWorkflowImpl.class)
                        .activityImplementations(new InvoiceActivitiesImpl())
                        .build()) {
            bus.subscribe(EventSubscription.builder("test", events::add)
                    .types("invoice.*")
                    .build());
            worker.start();

            PlatformContext request = PlatformContext.builder()
                    .tenantId(ACME)
                    .userId("u-1")
                    .roles("billing")
                    .build();
            WorkflowStub run;
            try (PlatformContext.Scope ignored = request.bind()) { // in a service: bound once, where the request enters
                run = TemplateClient.create(env.getWorkflowClient(), "billing")
                        .start(IssueInvoiceWorkflow.class, "order-42", new IssueInvoice("c-7", 1250));
            }

            assertThat(run.getResult(StandardWorkflowOutput.class).status()).isEqualTo(WorkflowStatus.COMPLETED);
            Event completed = events.poll(10, SECONDS);
            assertThat(completed.type()).isEqualTo("invoice.issue.completed");
            assertThat(completed.tenantId()).contains(ACME);
            assertThat(completed.correlationId()).isEqualTo(request.correlationId());
            assertThat(completed.causationId()).contains("IssueInvoiceWorkflow/" + ACME + "/order-42");
        }
    }
    // --- end of the test ---
}
