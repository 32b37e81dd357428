package dev.adxcore.platform.examples.tenantservice.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The validated fields of a create or update request. Validation collects every problem, one message per
 * field, and fails with 400 {@code validation_failed} listing them.
 *
 * @param email the lower-cased address, or null when an update leaves it unchanged
 * @param displayName the trimmed name, or null when an update leaves it unchanged
 * @param version the version the update is based on (updates only)
 */
record UserInput(
        @Nullable String email,
        @Nullable String displayName,
        @Nullable Long version) {

    static final int MAX_EMAIL = 254;
    static final int MAX_DISPLAY_NAME = 100;
    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}.]+");
    private static final Set<String> CREATE_FIELDS = Set.of("email", "displayName");
    private static final Set<String> UPDATE_FIELDS = Set.of("email", "displayName", "version");

    static UserInput forCreate(ObjectNode body) {
        Map<String, String> problems = new LinkedHashMap<>();
        unknownFields(body, CREATE_FIELDS, problems);
        String email = email(body, true, problems);
        String name = displayName(body, true, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new UserInput(email, name, null);
    }

    static UserInput forUpdate(ObjectNode body) {
        Map<String, String> problems = new LinkedHashMap<>();
        unknownFields(body, UPDATE_FIELDS, problems);
        String email = email(body, false, problems);
        String name = displayName(body, false, problems);
        Long version = null;
        JsonNode v = body.get("version");
        if (v == null || v.isNull()) {
            problems.put("version", "is required: send the version you read, for optimistic locking");
        } else if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            problems.put("version", "must be a whole number >= 0");
        } else {
            version = v.asLong();
        }
        if (problems.isEmpty() && email == null && name == null) {
            problems.put("body", "change at least one of email, displayName");
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new UserInput(email, name, version);
    }

    private static void unknownFields(ObjectNode body, Set<String> known, Map<String, String> problems) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.put(printable(name), "is not a known field (known: " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    private static @Nullable String email(ObjectNode body, boolean required, Map<String, String> problems) {
        JsonNode n = body.get("email");
        if (n == null || n.isNull()) {
            if (required) {
                problems.put("email", "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            problems.put("email", "must be a string");
            return null;
        }
        String email = n.asText().trim().toLowerCase(Locale.ROOT);
        if (email.length() > MAX_EMAIL) {
            problems.put("email", "must be at most " + MAX_EMAIL + " characters (was " + email.length() + ")");
            return null;
        }
        if (!EMAIL.matcher(email).matches()) {
            problems.put("email", "must be an e-mail address such as ada@example.com");
            return null;
        }
        return email;
    }

    private static @Nullable String displayName(ObjectNode body, boolean required, Map<String, String> problems) {
        JsonNode n = body.get("displayName");
        if (n == null || n.isNull()) {
            if (required) {
                problems.put("displayName", "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            problems.put("displayName", "must be a string");
            return null;
        }
        String name = n.asText().strip();
        if (name.isEmpty() || name.length() > MAX_DISPLAY_NAME) {
            problems.put("displayName", "must be 1 to " + MAX_DISPLAY_NAME + " characters (was " + name.length() + ")");
            return null;
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            problems.put("displayName", "must not contain control characters");
            return null;
        }
        return name;
    }

    /** Field names come from the client: keep them short and printable before echoing them. */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 40; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
