package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adxcore.platform.examples.tenantservice.User;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/** JSON reading and writing of the service (Jackson tree model; one shared mapper). */
public final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /**
     * Parses a request body into a JSON object.
     *
     * @param body the bytes
     * @return the object
     * @throws ApiException 400 {@code invalid_json} when the body is not one JSON object
     */
    static ObjectNode object(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new ApiException(400, "invalid_json", "the request body is not valid JSON: " + detail);
        }
        if (node == null || node.isMissingNode()) {
            throw new ApiException(400, "invalid_json", "the request body is empty; send a JSON object");
        }
        if (!node.isObject()) {
            throw new ApiException(
                    400,
                    "invalid_json",
                    "the request body must be a JSON object (was "
                            + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return (ObjectNode) node;
    }

    static ObjectNode user(User u) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", String.valueOf(u.id()));
        n.put("email", u.email());
        n.put("displayName", u.displayName());
        n.put("status", u.status());
        n.put("version", u.version());
        n.put("createdAt", u.createdAt() == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(u.createdAt()));
        n.put("updatedAt", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(u.updatedAt()));
        return n;
    }

    static ObjectNode error(ApiException e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("error", e.code);
        n.put("message", e.getMessage());
        if (!e.fields.isEmpty()) {
            ObjectNode fields = n.putObject("fields");
            new TreeMap<>(e.fields).forEach(fields::put);
        }
        return n;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String text(Map<String, ?> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
