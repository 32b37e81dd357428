package ${package}.impl;

import ${package}.${Entity};
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** JSON reading and writing of the service (Jackson tree model; one shared mapper). */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Parses a request body into a JSON object; 400 {@code invalid_json} when it is not one. */
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
            throw new ApiException(400, "invalid_json", "the request body must be a JSON object (was "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
        }
        return (ObjectNode) node;
    }

    static ObjectNode ${entity}(${Entity} v) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", String.valueOf(v.id()));
        n.put("name", v.name());
        n.put("status", v.status());
        n.put("version", v.version());
        n.put("createdAt", v.createdAt() == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(v.createdAt()));
        n.put("updatedAt", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(v.updatedAt()));
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
