package dev.adxcore.platform.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.observability.health.HealthCheck;
import dev.adxcore.platform.observability.health.HealthResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** Whole Spring Boot applications: the probe groups through Actuator's endpoint, the failure report, metadata. */
class PlatformStartupTest {

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    @Test
    void readinessAnswersWithinItsTimeoutWhenACheckHangs() {
        try (ConfigurableApplicationContext ctx = app(HungDependencyApp.class, "platform.health.timeout=300ms")) {
            HealthEndpoint endpoint = ctx.getBean(HealthEndpoint.class);
            long start = System.nanoTime();
            HealthDescriptor readiness = endpoint.healthForPath("readiness");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(Duration.ofMillis(1500));
            assertThat(readiness.getStatus()).isEqualTo(Status.DOWN);
            CompositeHealthDescriptor group = (CompositeHealthDescriptor) readiness;
            assertThat(group.getComponents()).containsKeys("readinessState", "platformReadiness");
            IndicatedHealthDescriptor platform =
                    (IndicatedHealthDescriptor) group.getComponents().get("platformReadiness");
            @SuppressWarnings("unchecked")
            Map<String, Object> hung =
                    (Map<String, Object>) platform.getDetails().get("payments");
            assertThat(hung).containsEntry("status", "DOWN");
            assertThat(String.valueOf(hung.get("error"))).contains("timed out");

            HealthDescriptor liveness = endpoint.healthForPath("liveness");
            assertThat(liveness.getStatus()).isEqualTo(Status.UP);
        }
    }

    @Test
    void wrongPropertyStopsStartUpWithTheSdksMessage() {
        String expected = sdkMessage(() -> Settings.parseDuration("platform.database.acquire-timeout", "5"));

        assertThatThrownBy(() -> app(
                                PlainApp.class,
                                "platform.database.primary-url=jdbc:postgresql://127.0.0.1:1/app",
                                "platform.database.username=app",
                                "platform.database.acquire-timeout=5")
                        .close())
                .hasRootCauseMessage(expected);

        FailureAnalysis report = RecordingFailureAnalysisReporter.LAST.get();
        assertThat(report).isNotNull();
        assertThat(report.getDescription()).isEqualTo(expected);
        assertThat(report.getAction()).contains("Correct the platform.database.* properties");
    }

    @Test
    void configurationMetadataDescribesEveryPropertyGroup() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json)
                    .contains(
                            "\"platform.database.primary-url\"",
                            "\"platform.events.url\"",
                            "\"platform.temporal.target\"",
                            "\"platform.temporal.worker.workflow-types\"",
                            "\"platform.health.timeout\"",
                            "\"platform.context.enabled\"",
                            "JDBC URL of the primary");
        }
    }

    private static String sdkMessage(Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the SDK accepted the value");
    }

    private static ConfigurableApplicationContext app(Class<?> source, String... properties) {
        return new SpringApplicationBuilder(source)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "platform.events.enabled=false")
                .properties(properties)
                .run();
    }

    /** An application whose payment-provider check never returns. */
    @SpringBootApplication
    static class HungDependencyApp {
        @Bean
        HealthCheck payments() {
            return new HealthCheck() {
                @Override
                public String name() {
                    return "payments";
                }

                @Override
                public HealthResult check() throws Exception {
                    NEVER.await();
                    return HealthResult.up();
                }

                @Override
                public Optional<Duration> timeout() {
                    return Optional.empty();
                }
            };
        }
    }

    /** An application with nothing of its own. */
    @SpringBootApplication
    static class PlainApp {}
}
