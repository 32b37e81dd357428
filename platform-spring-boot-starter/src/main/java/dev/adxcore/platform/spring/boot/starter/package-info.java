/**
 * The Spring Boot starter of the ADX Core Platform SDK: see {@link dev.adxcore.platform.spring.boot.starter.PlatformStarter}.
 */
@NullMarked
package dev.adxcore.platform.spring.boot.starter;

import org.jspecify.annotations.NullMarked;
