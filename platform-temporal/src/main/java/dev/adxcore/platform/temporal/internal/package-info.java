/**
 * Implementation of platform-temporal. Not an API: may change in any release.
 */
@NullMarked
package dev.adxcore.platform.temporal.internal;

import org.jspecify.annotations.NullMarked;
