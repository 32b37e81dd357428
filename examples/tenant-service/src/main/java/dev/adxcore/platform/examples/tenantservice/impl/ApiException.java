package dev.adxcore.platform.examples.tenantservice.impl;

import java.util.Map;

/** A request that ends with an error response: status, machine-readable code, message, field messages. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final Map<String, String> fields;

    ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiException(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " does not exist");
    }

    static ApiException invalid(Map<String, String> fields) {
        return new ApiException(
                400,
                "validation_failed",
                "the request has invalid fields: " + String.join(", ", new java.util.TreeSet<>(fields.keySet())),
                fields);
    }
}
