/**
 * Implementation details of platform-observability. Not an API: anything here may change in any
 * release.
 */
@NullMarked
package dev.adxcore.platform.observability.internal;

import org.jspecify.annotations.NullMarked;
