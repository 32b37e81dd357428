/**
 * The users API of {@code examples/tenant-service} on Spring Boot and the platform starter: the platform's
 * {@code DatabaseManager}, {@code EventBus}, health probes, meters and request context all come from
 * auto-configuration; this package holds only the service's own code.
 */
@NullMarked
package dev.adxcore.platform.examples.springtenantservice;

import org.jspecify.annotations.NullMarked;
