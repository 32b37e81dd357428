/**
 * Internal implementation of platform-database: not API, may change in any release; do not use.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.database.internal;

import org.jspecify.annotations.NullMarked;
