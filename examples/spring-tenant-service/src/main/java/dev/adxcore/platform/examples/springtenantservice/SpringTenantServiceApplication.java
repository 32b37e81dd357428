package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.spring.boot.autoconfigure.TemporalWorkflowTypes;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Starts the service: {@code platform.database.*}, {@code platform.events.url} and the migration owner come from
 * {@code application.properties}, the environment ({@code PLATFORM_DATABASE_PRIMARY_URL}, ...) or arguments.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SpringTenantServiceApplication {

    /** Created by Spring. */
    public SpringTenantServiceApplication() {}

    /**
     * The onboarding workflow, for the auto-configured Temporal worker (its activity and permission checker are
     * beans, found by type).
     *
     * @return the workflow implementation classes
     */
    @Bean
    TemporalWorkflowTypes onboardingWorkflow() {
        return TemporalWorkflowTypes.of(OnboardingWorkflowImpl.class);
    }

    /**
     * Runs the service.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=8090}
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringTenantServiceApplication.class, args);
    }
}
