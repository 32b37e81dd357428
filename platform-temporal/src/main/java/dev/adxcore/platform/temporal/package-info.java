/**
 * ADX Core Platform: platform-temporal. See the module README for how a product team uses it.
 */
@NullMarked
package dev.adxcore.platform.temporal;

import org.jspecify.annotations.NullMarked;
