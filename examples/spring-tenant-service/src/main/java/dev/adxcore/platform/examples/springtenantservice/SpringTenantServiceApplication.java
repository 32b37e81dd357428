package dev.adxcore.platform.examples.springtenantservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the service: {@code platform.database.*}, {@code platform.events.url} and the migration owner come from
 * {@code application.properties}, the environment ({@code PLATFORM_DATABASE_PRIMARY_URL}, ...) or arguments.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SpringTenantServiceApplication {

    /** Created by Spring. */
    public SpringTenantServiceApplication() {
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
