/**
 * ADX Core Platform: platform-events. See the module README for how a product team uses it.
 */
@NullMarked
package dev.adxcore.platform.events;

import org.jspecify.annotations.NullMarked;
