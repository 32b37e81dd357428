/**
 * Structured logging context: {@link dev.adxcore.platform.observability.logging.LogContext} puts
 * tenant, user, correlation and trace ids into the SLF4J MDC for the duration of a scope;
 * {@link dev.adxcore.platform.observability.logging.TraceContext} and
 * {@link dev.adxcore.platform.observability.logging.CorrelationIds} parse and create the ids it carries.
 */
@NullMarked
package dev.adxcore.platform.observability.logging;

import org.jspecify.annotations.NullMarked;
