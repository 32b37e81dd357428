/**
 * Internals of the Redis Streams event bus. Not an API: may change in any release.
 */
@NullMarked
package dev.adxcore.platform.events.redis.internal;

import org.jspecify.annotations.NullMarked;
