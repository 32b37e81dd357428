package dev.adxcore.platform.benchmarks.scg;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway (server-webflux, Reactor Netty) set up for the same job as
 * {@code examples/api-gateway} in the comparison benchmark: {@code /api/v1/users/**} proxied to one
 * upstream, the bearer token verified on every request (Spring Security's resource server, HS256 with the
 * gateway's development secret, issuer and audience checked), identity headers sent by the client
 * removed and set from the verified claims, a correlation id added, forwarding headers as Spring Cloud
 * Gateway sets them by default. Benchmark-only: no management endpoints, no access log.
 *
 * <p>Settings (system properties or environment, Spring's relaxed binding): {@code server.port}
 * (default 19084), {@code gateway.upstream} (default {@code http://127.0.0.1:19081}),
 * {@code gateway.jwt-secret}, {@code gateway.jwt-issuer}, {@code gateway.jwt-audience} (defaults: the
 * api-gateway's development values).
 */
@SpringBootApplication
public class SpringCloudGatewayBenchmarkApp {

    private static final List<String> IDENTITY_HEADERS = List.of("X-Tenant-Id", "X-User-Id", "X-Roles");

    /**
     * Starts the gateway.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=19084}
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringCloudGatewayBenchmarkApp.class, args);
    }

    /**
     * @param builder Spring Cloud Gateway's route builder
     * @param upstream the upstream base URL
     * @return the one route of the comparison
     */
    @Bean
    RouteLocator routes(
            RouteLocatorBuilder builder, @Value("${gateway.upstream:http://127.0.0.1:19081}") String upstream) {
        return builder.routes()
                .route(
                        "users",
                        r -> r.path("/api/v1/users/**")
                                .filters(f -> {
                                    IDENTITY_HEADERS.forEach(f::removeRequestHeader);
                                    return f;
                                })
                                .uri(upstream))
                .build();
    }

    /**
     * @return the filter that sets the identity and correlation headers from the verified token
     */
    @Bean
    GlobalFilter identityHeaders() {
        return new IdentityFilter();
    }

    /** Sets identity headers from the verified JWT (after security, before routing). */
    static final class IdentityFilter implements GlobalFilter, Ordered {
        @Override
        public reactor.core.publisher.Mono<Void> filter(
                ServerWebExchange exchange, org.springframework.cloud.gateway.filter.GatewayFilterChain chain) {
            return exchange.getPrincipal().cast(JwtAuthenticationToken.class).flatMap(auth -> {
                Jwt jwt = auth.getToken();
                Object roles = jwt.getClaims().get("roles");
                String correlation = exchange.getRequest().getHeaders().getFirst("X-Correlation-Id");
                String id = correlation != null
                        ? correlation
                        : new UUID(
                                        ThreadLocalRandom.current().nextLong(),
                                        ThreadLocalRandom.current().nextLong())
                                .toString();
                ServerWebExchange mutated = exchange.mutate()
                        .request(r -> r.headers(h -> {
                            IDENTITY_HEADERS.forEach(h::remove);
                            h.set("X-User-Id", jwt.getSubject());
                            h.set("X-Tenant-Id", String.valueOf(jwt.getClaims().get("tenant_id")));
                            h.set(
                                    "X-Roles",
                                    roles instanceof List<?> list
                                            ? String.join(
                                                    ",",
                                                    list.stream()
                                                            .map(String::valueOf)
                                                            .toList())
                                            : "");
                            h.set("X-Correlation-Id", id);
                        }))
                        .build();
                mutated.getResponse().getHeaders().set("X-Correlation-Id", id);
                return chain.filter(mutated);
            });
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /**
     * @param secret the HS256 secret
     * @param issuer the required {@code iss}
     * @param audience the audience {@code aud} must contain
     * @return the decoder verifying every request's token
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(
            @Value("${gateway.jwt-secret:adx-gateway-dev-secret-do-not-use-in-production}") String secret,
            @Value("${gateway.jwt-issuer:adx-dev}") String issuer,
            @Value("${gateway.jwt-audience:adx-gateway}") String audience) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(
                        new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer),
                jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new org.springframework.security.oauth2.core.OAuth2Error(
                                "invalid_token", "wrong audience", null))));
        return decoder;
    }

    /**
     * @param http Spring Security's reactive configuration
     * @return every exchange authenticated with a bearer token, no sessions, no CSRF (an API gateway)
     */
    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http.authorizeExchange(e -> e.anyExchange().authenticated())
                .oauth2ResourceServer(o -> o.jwt(jwt -> {}))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(c -> c.disable())
                .securityContextRepository(
                        org.springframework.security.web.server.context.NoOpServerSecurityContextRepository
                                .getInstance())
                .build();
    }
}
