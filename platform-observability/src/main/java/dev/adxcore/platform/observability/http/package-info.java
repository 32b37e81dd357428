/**
 * The embeddable management endpoint:
 * {@link dev.adxcore.platform.observability.http.ManagementServer} serves health and Prometheus metrics
 * for services that have no HTTP server of their own.
 */
@NullMarked
package dev.adxcore.platform.observability.http;

import org.jspecify.annotations.NullMarked;
