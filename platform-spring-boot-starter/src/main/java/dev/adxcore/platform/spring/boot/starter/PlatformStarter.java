package dev.adxcore.platform.spring.boot.starter;

import java.util.List;

/**
 * What {@code platform-spring-boot-starter} brings: one dependency for a Spring Boot service on the platform,
 * namely {@code platform-spring-boot-autoconfigure} (the auto-configuration and its
 * {@code platform.*} properties), {@code spring-boot-starter}, and the platform jars it wires
 * ({@link #MODULES}). Add {@code platform-temporal}, {@code platform-events-redis} or
 * {@code platform-events-kafka} for the features that need them; each auto-configuration switches on when its
 * jar and properties are present and backs off when the application defines its own bean. The jar's payload is
 * its POM; this class only names it. Stateless (constants only), so it costs nothing at run time.
 *
 * @since 0.1.0
 */
public final class PlatformStarter {

    /** The starter's artifact id. */
    public static final String ARTIFACT_ID = "platform-spring-boot-starter";

    /** The platform artifacts the starter depends on. */
    public static final List<String> MODULES = List.of(
            "platform-spring-boot-autoconfigure",
            "platform-core",
            "platform-observability",
            "platform-database",
            "platform-events");

    private PlatformStarter() {}
}
