package dev.adxcore.platform.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.PlatformHeaders;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The request context: the servlet filter, the task decorator on Boot's executor and scheduler, and back-offs. */
class PlatformContextAutoConfigurationTest {

    private static final UUID TENANT = UUID.fromString("6f1c2b9e-8c1a-4d7e-9f57-2a0d3b5e7c11");

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PlatformContextAutoConfiguration.class));
    private final ApplicationContextRunner plain = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    PlatformContextAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class));

    @Test
    void filterBindsTheGatewaysContextForTheRequestAndEchoesTheCorrelationId() {
        web.run(ctx -> {
            PlatformContextFilter filter = ctx.getBean(PlatformContextFilter.class);
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/users");
            request.addHeader(PlatformHeaders.TENANT_ID, TENANT.toString());
            request.addHeader(PlatformHeaders.USER_ID, "alice");
            request.addHeader(PlatformHeaders.CORRELATION_ID, "corr-1");
            MockHttpServletResponse response = new MockHttpServletResponse();
            AtomicReference<Optional<PlatformContext>> seen = new AtomicReference<>();
            filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void service(
                        jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) {
                    seen.set(PlatformContext.current());
                }
            }));
            assertThat(seen.get()).isPresent();
            assertThat(seen.get().get().tenantId()).hasValue(TENANT);
            assertThat(seen.get().get().userId()).hasValue("alice");
            assertThat(response.getHeader(PlatformHeaders.CORRELATION_ID)).isEqualTo("corr-1");
            assertThat(PlatformContext.current()).isEmpty();
        });
    }

    @Test
    void malformedTenantHeaderIsAnswered400BeforeTheApplication() {
        web.run(ctx -> {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/users");
            request.addHeader(PlatformHeaders.TENANT_ID, "not-a-uuid");
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();
            ctx.getBean(PlatformContextFilter.class).doFilter(request, response, chain);
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.getContentAsString())
                    .contains("invalid_context")
                    .contains(PlatformHeaders.TENANT_ID);
            assertThat(chain.getRequest()).isNull();
        });
    }

    @Test
    void filterCanBeSwitchedOffAndIsAbsentOutsideServletApps() {
        web.withPropertyValues("platform.context.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(PlatformContextFilter.class));
        plain.run(ctx -> assertThat(ctx).doesNotHaveBean(PlatformContextFilter.class));
    }

    @Test
    void filterBacksOffForTheApplicationsOwn() {
        web.withBean("myFilter", PlatformContextFilter.class, () -> new PlatformContextFilter(false))
                .run(ctx -> assertThat(ctx)
                        .hasSingleBean(PlatformContextFilter.class)
                        .hasBean("myFilter"));
    }

    @Test
    void asyncTasksRunInTheSubmittersContext() {
        plain.run(ctx -> {
            AsyncTaskExecutor executor = ctx.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            PlatformContext context =
                    PlatformContext.builder().tenantId(TENANT).userId("alice").build();
            CompletableFuture<Optional<PlatformContext>> seen;
            try (PlatformContext.Scope ignored = context.bind()) {
                seen = executor.submitCompletable(PlatformContext::current);
            }
            assertThat(seen.get(5, TimeUnit.SECONDS)).hasValue(context);
        });
    }

    @Test
    void scheduledTasksRunInTheSubmittersContext() {
        plain.withUserConfiguration(Scheduling.class).run(ctx -> {
            TaskScheduler scheduler = ctx.getBean(TaskScheduler.class);
            PlatformContext context = PlatformContext.builder().tenantId(TENANT).build();
            CompletableFuture<Optional<PlatformContext>> seen = new CompletableFuture<>();
            try (PlatformContext.Scope ignored = context.bind()) {
                scheduler.schedule(() -> seen.complete(PlatformContext.current()), Instant.now());
            }
            assertThat(seen.get(5, TimeUnit.SECONDS)).hasValue(context);
        });
    }

    @Test
    void taskDecoratorBacksOffForTheApplicationsOwnAndCanBeSwitchedOff() {
        plain.withBean("myDecorator", TaskDecorator.class, () -> r -> r)
                .run(ctx -> assertThat(ctx).hasSingleBean(TaskDecorator.class).hasBean("myDecorator"));
        plain.withPropertyValues("platform.context.propagate-to-tasks=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(TaskDecorator.class));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {}
}
