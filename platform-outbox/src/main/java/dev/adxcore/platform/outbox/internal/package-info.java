/** Internals of platform-outbox: not for use outside this jar; may change in any release. */
@NullMarked
package dev.adxcore.platform.outbox.internal;

import org.jspecify.annotations.NullMarked;
