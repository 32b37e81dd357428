/**
 * ADX Core Platform: platform-events-redis. See the module README for how a product team uses it.
 */
@NullMarked
package dev.adxcore.platform.events.redis;

import org.jspecify.annotations.NullMarked;
