package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.core.InvalidContextException;
import dev.adxcore.platform.core.JsonStrings;
import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.core.PlatformHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds the request's {@link PlatformContext}, read with {@link PlatformHeaders#extract} from the gateway's
 * headers ({@code X-Tenant-Id}, {@code X-User-Id}, {@code X-Roles}, {@code X-Correlation-Id}, {@code traceparent},
 * ...), for the whole request: controllers, repositories and log lines (MDC) see it, and the response carries the
 * correlation id. A malformed identity header is answered 400 {@code {"error":"invalid_context",...}} before any
 * application code runs; absent headers mean no tenant, which the application decides about.
 *
 * <p>The service trusts these headers: it must only be reachable through the gateway, which strips them from
 * clients. Runs first ({@link Ordered#HIGHEST_PRECEDENCE}). Thread-safe (stateless); per request it costs the
 * headers' parse and validation and an MDC bind, no I/O.
 *
 * @since 0.1.0
 */
public class PlatformContextFilter extends OncePerRequestFilter implements Ordered {

    /** This filter's order: before Spring's observation filter, so that its log lines carry the context. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

    private static final Logger log = LoggerFactory.getLogger(PlatformContextFilter.class);

    private final boolean echoCorrelationId;

    /**
     * A filter.
     *
     * @param echoCorrelationId whether responses carry {@code X-Correlation-Id}
     * @since 0.1.0
     */
    public PlatformContextFilter(boolean echoCorrelationId) {
        this.echoCorrelationId = echoCorrelationId;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        PlatformContext context;
        try {
            context = PlatformHeaders.extract(request::getHeader);
        } catch (InvalidContextException e) {
            log.debug("Refused a request with a malformed context header: {}", e.getMessage());
            byte[] body = ("{\"error\":\"invalid_context\",\"message\":"
                            + JsonStrings.quote(String.valueOf(e.getMessage())) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        if (echoCorrelationId) {
            response.setHeader(PlatformHeaders.CORRELATION_ID, context.correlationId());
        }
        try (PlatformContext.Scope ignored = context.bind()) {
            chain.doFilter(request, response);
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
