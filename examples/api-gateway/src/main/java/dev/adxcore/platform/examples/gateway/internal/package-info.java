/**
 * Implementation of the gateway. Not API: may change without notice.
 */
@NullMarked
package dev.adxcore.platform.examples.gateway.internal;

import org.jspecify.annotations.NullMarked;
