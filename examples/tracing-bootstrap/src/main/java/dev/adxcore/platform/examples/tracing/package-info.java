/**
 * The examples' OTLP export: {@link dev.adxcore.platform.examples.tracing.OtlpTracing} installs the OpenTelemetry
 * SDK when {@code OTEL_*} settings ask for it. Only the examples' mains use it; the platform libraries depend on
 * {@code opentelemetry-api} alone.
 */
@NullMarked
package dev.adxcore.platform.examples.tracing;

import org.jspecify.annotations.NullMarked;
