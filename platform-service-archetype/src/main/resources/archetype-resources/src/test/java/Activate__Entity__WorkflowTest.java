package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.impl.Activate${Entity}WorkflowImpl;
import ${package}.impl.Activate${Entity};
import ${package}.impl.Activate${Entity}Workflow;
import ${package}.impl.RolesPermissionChecker;
import ${package}.impl.${Entity}ActivitiesImpl;
import ${package}.impl.${Entity}Events;
import ${package}.impl.${Entity}Repository;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.events.Event;
import dev.adxcore.platform.events.EventBus;
import dev.adxcore.platform.events.EventBuses;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.outbox.Outbox;
import dev.adxcore.platform.temporal.StandardWorkflow;
import dev.adxcore.platform.temporal.StandardWorkflowOutput;
import dev.adxcore.platform.temporal.TemplateClient;
import dev.adxcore.platform.temporal.TemporalPlatform;
import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import dev.adxcore.platform.temporal.WorkflowStatus;
import dev.adxcore.platform.test.PlatformTest;
import dev.adxcore.platform.test.PostgresCluster;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The activation workflow on the Temporal SDK's in-process test server, with its activity on the kit's real
 * PostgreSQL: the permission step reads the roles of the context that started it.
 */
@PlatformTest(replicas = 0)
class Activate${Entity}WorkflowTest {

    private static final String QUEUE = "${artifactId}-test";

    @Test
    void anAdminActivatesAndAMemberIsDenied(PostgresCluster pg) throws Exception {
        BlockingQueue<Event> completed = new LinkedBlockingQueue<>();
        try (DatabaseManager db = DatabaseManager.create(TestDatabase.migrated(pg));
                EventBus bus = EventBuses.open(URI.create("memory:/"));
                TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                        .setWorkflowClientOptions(TemporalPlatform.clientOptions().build()).build());
                TemporalWorkerRunner worker = TemporalWorkerRunner.builder(env.getWorkflowClient(), QUEUE)
                        .eventBus(bus)
                        .permissionChecker(new RolesPermissionChecker())
                        .workflowImplementationTypes(Activate${Entity}WorkflowImpl.class)
                        .activityImplementations(new ${Entity}ActivitiesImpl(db, new ${Entity}Events(Outbox.create(db))))
                        .build()) {
            bus.subscribe(EventSubscription.builder("test", completed::add).types("${entity}.activate.completed").build());
            worker.start();
            TemplateClient templates = TemplateClient.create(env.getWorkflowClient(), QUEUE);
            ${Entity}Repository repository = new ${Entity}Repository(db);
            UUID tenant = UUID.randomUUID();

            PlatformContext admin = PlatformContext.builder().tenantId(tenant).userId("alice").roles("admin").build();
            try (PlatformContext.Scope ignored = admin.bind()) {
                ${Entity} created = create(db, repository, "activated");
                WorkflowStub run = templates.start(Activate${Entity}Workflow.class, created.id().toString(),
                        new Activate${Entity}(created.id().toString()));
                assertThat(run.getResult(StandardWorkflowOutput.class).status()).isEqualTo(WorkflowStatus.COMPLETED);
                assertThat(repository.findById(created.id()))
                        .hasValueSatisfying(v -> assertThat(v.status()).isEqualTo(${Entity}.ACTIVE));
            }
            Event event = completed.poll(10, TimeUnit.SECONDS);
            assertThat(event).isNotNull();
            assertThat(event.tenantId()).contains(tenant);
            assertThat(event.correlationId()).isEqualTo(admin.correlationId());

            PlatformContext member = PlatformContext.builder().tenantId(tenant).userId("bob").roles("member").build();
            try (PlatformContext.Scope ignored = member.bind()) {
                ${Entity} created = create(db, repository, "denied");
                WorkflowStub run = templates.start(Activate${Entity}Workflow.class, created.id().toString(),
                        new Activate${Entity}(created.id().toString()));
                assertThatThrownBy(() -> run.getResult(StandardWorkflowOutput.class))
                        .isInstanceOf(WorkflowFailedException.class)
                        .cause().isInstanceOfSatisfying(ApplicationFailure.class,
                                f -> assertThat(f.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED));
                assertThat(repository.findById(created.id()))
                        .hasValueSatisfying(v -> assertThat(v.status()).isEqualTo(${Entity}.PENDING));
            }
        }
    }

    private static ${Entity} create(DatabaseManager db, ${Entity}Repository repository, String name) {
        return db.inTransaction(h -> repository.create(new ${Entity}(null, name, ${Entity}.PENDING, null, null,
                OffsetDateTime.now(ZoneOffset.UTC)))).value();
    }
}
