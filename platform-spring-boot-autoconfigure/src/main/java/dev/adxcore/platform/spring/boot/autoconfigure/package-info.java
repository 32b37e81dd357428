/**
 * Spring Boot auto-configuration of the ADX Core Platform SDK: {@code platform.*} properties, the
 * {@code DatabaseManager}, {@code EventBus} and Temporal beans, health checks behind Actuator, Micrometer meters on
 * the application's registry, and the request context for Spring MVC requests and Spring's task executors.
 * Every bean backs off when the application defines its own.
 */
@NullMarked
package dev.adxcore.platform.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
