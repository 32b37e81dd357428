/**
 * The OpenTelemetry bridge: W3C propagation through OTel's propagators, one source of truth for the trace of
 * the bound {@link dev.adxcore.platform.core.PlatformContext} and OTel's current {@code Context}, and detection of
 * the OTel Java agent so that the SDK never makes a span the agent already makes.
 */
@NullMarked
package dev.adxcore.platform.observability.tracing;

import org.jspecify.annotations.NullMarked;
