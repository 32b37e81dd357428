/**
 * Internals of the Spring Boot auto-configuration. Not an API: may change in any release.
 */
@NullMarked
package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import org.jspecify.annotations.NullMarked;
