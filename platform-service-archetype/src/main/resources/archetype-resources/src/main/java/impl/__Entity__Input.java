package ${package}.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The validated fields of a create or update request. Validation collects every problem, one message per
 * field, and fails with 400 {@code validation_failed} listing them.
 *
 * @param name the trimmed name, or null when an update leaves it unchanged
 * @param version the version the update is based on (updates only)
 */
record ${Entity}Input(@Nullable String name, @Nullable Long version) {

    static final int MAX_NAME = 100;
    private static final Set<String> CREATE_FIELDS = Set.of("name");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "version");

    static ${Entity}Input forCreate(ObjectNode body) {
        Map<String, String> problems = new LinkedHashMap<>();
        unknownFields(body, CREATE_FIELDS, problems);
        String name = name(body, true, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new ${Entity}Input(name, null);
    }

    static ${Entity}Input forUpdate(ObjectNode body) {
        Map<String, String> problems = new LinkedHashMap<>();
        unknownFields(body, UPDATE_FIELDS, problems);
        String name = name(body, false, problems);
        Long version = null;
        JsonNode v = body.get("version");
        if (v == null || v.isNull()) {
            problems.put("version", "is required: send the version you read, for optimistic locking");
        } else if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            problems.put("version", "must be a whole number >= 0");
        } else {
            version = v.asLong();
        }
        if (problems.isEmpty() && name == null) {
            problems.put("body", "change at least one of name");
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new ${Entity}Input(name, version);
    }

    private static void unknownFields(ObjectNode body, Set<String> known, Map<String, String> problems) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!known.contains(field)) {
                problems.put(printable(field), "is not a known field (known: " + new TreeSet<>(known) + ")");
            }
        }
    }

    private static @Nullable String name(ObjectNode body, boolean required, Map<String, String> problems) {
        JsonNode n = body.get("name");
        if (n == null || n.isNull()) {
            if (required) {
                problems.put("name", "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            problems.put("name", "must be a string");
            return null;
        }
        String name = n.asText().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            problems.put("name", "must be 1 to " + MAX_NAME + " characters (was " + name.length() + ")");
            return null;
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            problems.put("name", "must not contain control characters");
            return null;
        }
        return name;
    }

    /** Field names come from the client: keep them short and printable before echoing them. */
    private static String printable(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length() && sb.length() < 40; i++) {
            char c = field.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
