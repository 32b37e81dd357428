/**
 * The ground floor every platform jar reads: {@link dev.adxcore.platform.core.PlatformContext} (who a piece
 * of work runs for and how it is traced, bound per thread with its MDC view and carried across executors),
 * its HTTP carrier {@link dev.adxcore.platform.core.PlatformHeaders}, and
 * {@link dev.adxcore.platform.core.Settings}, the one reader of configuration (environment and system
 * properties, one duration grammar, URI query parameters), with {@link dev.adxcore.platform.core.Secrets}
 * for masking credentials and {@link dev.adxcore.platform.core.JsonStrings} for JSON string literals.
 */
@NullMarked
package dev.adxcore.platform.core;

import org.jspecify.annotations.NullMarked;
