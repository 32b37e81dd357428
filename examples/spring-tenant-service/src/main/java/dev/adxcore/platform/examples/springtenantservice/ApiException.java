package dev.adxcore.platform.examples.springtenantservice;

import java.util.Map;
import java.util.TreeMap;

/** An answer other than success: status, a stable error code, a message and per-field problems. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final Map<String, String> fields;

    ApiException(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = new TreeMap<>(fields);
    }

    ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " does not exist");
    }

    static ApiException invalid(Map<String, String> fields) {
        return new ApiException(
                400,
                "validation_failed",
                "the request has invalid fields: " + String.join(", ", new TreeMap<>(fields).keySet()),
                fields);
    }
}
