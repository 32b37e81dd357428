/**
 * Implementation of the test kit: server discovery, private local servers, containers, JUnit extensions.
 * Not part of the public API; may change in any release.
 */
@NullMarked
package dev.adxcore.platform.test.internal;

import org.jspecify.annotations.NullMarked;
