package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.examples.tracing.OtlpTracing;
import dev.adxcore.platform.spring.boot.autoconfigure.TemporalWorkflowTypes;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Starts the service: {@code platform.database.*}, {@code platform.events.url} and the migration owner come from
 * {@code application.properties}, the environment ({@code PLATFORM_DATABASE_PRIMARY_URL}, ...) or arguments. Spans
 * are exported over OTLP when {@code OTEL_*} variables or {@code -Dotel.*} properties ask for it
 * ({@link OtlpTracing}; Spring properties do not).
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
        // Before anything reads GlobalOpenTelemetry: OTLP export when OTEL_* settings ask for it.
        OtlpTracing.installIfConfigured("spring-tenant-service");
        SpringApplication.run(SpringTenantServiceApplication.class, args);
    }
}
