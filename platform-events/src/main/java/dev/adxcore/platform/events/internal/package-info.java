/**
 * Internals of platform-events: the in-memory bus and its provider. Not part of the API; may change
 * in any release.
 */
@NullMarked
package dev.adxcore.platform.events.internal;

import org.jspecify.annotations.NullMarked;
