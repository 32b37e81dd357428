/**
 * The API gateway example: a reverse proxy for {@code /api/v1/{service}/**} with JWT authentication,
 * identity and tracing headers, path and header hardening, per-route timeouts, CORS, access log,
 * metrics and upstream health. Start it with {@link dev.adxcore.platform.examples.gateway.GatewayMain}
 * or embed it with {@link dev.adxcore.platform.examples.gateway.ApiGateway}.
 */
@NullMarked
package dev.adxcore.platform.examples.gateway;

import org.jspecify.annotations.NullMarked;
