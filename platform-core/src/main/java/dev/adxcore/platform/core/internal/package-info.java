/** Implementation details of platform-core; not an API, may change in any release. */
@NullMarked
package dev.adxcore.platform.core.internal;

import org.jspecify.annotations.NullMarked;
