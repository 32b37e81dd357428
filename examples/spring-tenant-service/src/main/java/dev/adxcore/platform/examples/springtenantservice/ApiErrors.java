package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every failure as {@code {"error","message","fields"}}, the contract of examples/tenant-service. */
@RestControllerAdvice
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, Object>> api(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code);
        body.put("message", e.getMessage());
        if (!e.fields.isEmpty()) {
            body.put("fields", e.fields);
        }
        return ResponseEntity.status(e.status).body(body);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return api(new ApiException(400, "invalid_json", "the request body is not valid JSON or not a JSON object"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return api(new ApiException(
                405,
                "method_not_allowed",
                "allowed methods: "
                        + String.join(
                                ", ", e.getSupportedMethods() == null ? new String[0] : e.getSupportedMethods())));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noRoute(NoResourceFoundException e) {
        return api(new ApiException(404, "not_found", "no such resource"));
    }

    @ExceptionHandler(DatabaseUnavailableException.class)
    ResponseEntity<Map<String, Object>> unavailable(DatabaseUnavailableException e) {
        log.warn("Database unavailable: {}", e.getMessage());
        return api(new ApiException(503, "unavailable", "the database is unavailable; retry later"));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, Object>> failed(RuntimeException e) {
        log.error("Request failed", e);
        String correlation =
                PlatformContext.current().map(PlatformContext::correlationId).orElse("-");
        return api(new ApiException(500, "internal_error", "the request failed; quote correlation id " + correlation));
    }
}
