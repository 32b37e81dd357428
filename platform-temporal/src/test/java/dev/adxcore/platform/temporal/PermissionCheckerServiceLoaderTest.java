package dev.adxcore.platform.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.adxcore.platform.temporal.internal.PermissionCheckers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link PermissionChecker}s found with {@link ServiceLoader}. Runs only in the {@code service-loader} surefire
 * execution (see the module pom), whose class path adds {@code src/test/service-loader}.
 */
@Tag("service-loader")
class PermissionCheckerServiceLoaderTest {

    private TemplateHarness harness;

    @BeforeAll
    static void serviceFileIsOnTheClassPath() {
        assertThat(ServiceLoader.load(PermissionChecker.class, PermissionChecker.class.getClassLoader()).stream()
                        .map(ServiceLoader.Provider::type)
                        .toList())
                .as("src/test/service-loader is on the class path only in the 'service-loader' surefire execution")
                .containsExactly(ServiceLoadedPermissionChecker.class);
    }

    @BeforeEach
    void setUp() {
        ServiceLoadedPermissionChecker.ASKED.clear();
        harness = new TemplateHarness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private WorkflowStub start(UUID tenant) {
        return harness.client.start(
                Orders.PlaceOrderWorkflow.class, TemplateHarness.context(tenant), "order-1", Orders.Order.of("ok"));
    }

    @Test
    void resolveReturnsTheServiceLoadedCheckerWhenNoneIsGiven() {
        assertThat(PermissionCheckers.resolve(List.of()))
                .singleElement()
                .isInstanceOf(ServiceLoadedPermissionChecker.class);
    }

    @Test
    void resolveReturnsOnlyTheExplicitCheckersWhenSomeAreGiven() {
        PermissionChecker explicit = (ctx, op) -> true;

        assertThat(PermissionCheckers.resolve(List.of(explicit))).containsExactly(explicit);
    }

    @Test
    void serviceLoadedCheckerPermitsTheWorkflowWhenNoCheckerIsConfigured() {
        harness.start(harness.runner());

        StandardWorkflowOutput<Orders.Placed> output =
                StandardWorkflowTest.result(start(ServiceLoadedPermissionChecker.PERMITTED_TENANT));

        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(ServiceLoadedPermissionChecker.ASKED)
                .containsExactly(ServiceLoadedPermissionChecker.PERMITTED_TENANT + " " + Orders.OPERATION);
    }

    @Test
    void serviceLoadedCheckerDenialFailsTheWorkflowWithPermissionDenied() {
        harness.start(harness.runner());

        WorkflowStub stub = start(TemplateHarness.TENANT_B);
        WorkflowFailedException failure =
                catchThrowableOfType(WorkflowFailedException.class, () -> StandardWorkflowTest.result(stub));

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertThat(cause.getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(cause.getOriginalMessage())
                .isEqualTo("operation 'order.place' denied for tenant " + TemplateHarness.TENANT_B + ", user user-7");
        assertThat(ServiceLoadedPermissionChecker.ASKED)
                .containsExactly(TemplateHarness.TENANT_B + " " + Orders.OPERATION);
        assertThat(harness.activities.reserveAttempts).hasValue(0);
    }

    @Test
    void explicitlyConfiguredCheckerWinsAndTheServiceLoadedOneIsNeverAsked() {
        harness.start(harness.runner().permissionChecker((ctx, op) -> ctx.hasRole("member")));

        StandardWorkflowOutput<Orders.Placed> output = StandardWorkflowTest.result(start(TemplateHarness.TENANT_B));

        assertThat(output.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(ServiceLoadedPermissionChecker.ASKED).isEmpty();
    }

    @Test
    void explicitlyConfiguredDenyingCheckerWinsOverAPermittingServiceLoadedOne() {
        harness.start(harness.runner().permissionChecker((ctx, op) -> false));

        WorkflowStub stub = start(ServiceLoadedPermissionChecker.PERMITTED_TENANT);
        WorkflowFailedException failure =
                catchThrowableOfType(WorkflowFailedException.class, () -> StandardWorkflowTest.result(stub));

        assertThat(((ApplicationFailure) failure.getCause()).getType()).isEqualTo(StandardWorkflow.PERMISSION_DENIED);
        assertThat(ServiceLoadedPermissionChecker.ASKED).isEmpty();
        assertThat(harness.activities.reserveAttempts).hasValue(0);
    }
}
