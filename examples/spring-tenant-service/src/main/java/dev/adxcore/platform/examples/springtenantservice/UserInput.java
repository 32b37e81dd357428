package dev.adxcore.platform.examples.springtenantservice;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A create or update request body, validated field by field with one message per bad field. */
record UserInput(
        @Nullable String email,
        @Nullable String displayName,
        @Nullable Long version) {

    private static final int MAX_EMAIL = 254;
    private static final int MAX_DISPLAY_NAME = 100;
    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}.]+");
    private static final Set<String> CREATE = Set.of("email", "displayName");
    private static final Set<String> UPDATE = Set.of("email", "displayName", "version");

    static UserInput forCreate(@Nullable Map<String, Object> body) {
        Map<String, Object> b = object(body);
        Map<String, String> problems = new LinkedHashMap<>();
        unknown(b, CREATE, problems);
        String email = email(b, true, problems);
        String name = displayName(b, true, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new UserInput(email, name, null);
    }

    static UserInput forUpdate(@Nullable Map<String, Object> body) {
        Map<String, Object> b = object(body);
        Map<String, String> problems = new LinkedHashMap<>();
        unknown(b, UPDATE, problems);
        String email = email(b, false, problems);
        String name = displayName(b, false, problems);
        Long version = null;
        Object v = b.get("version");
        if (v == null) {
            problems.put("version", "is required: send the version you read, for optimistic locking");
        } else if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
            problems.put("version", "must be a whole number >= 0");
        } else {
            version = ((Number) v).longValue();
        }
        if (problems.isEmpty() && email == null && name == null) {
            problems.put("body", "change at least one of email, displayName");
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new UserInput(email, name, version);
    }

    private static Map<String, Object> object(@Nullable Map<String, Object> body) {
        if (body == null) {
            throw new ApiException(400, "invalid_json", "the request body is empty; send a JSON object");
        }
        return body;
    }

    private static void unknown(Map<String, Object> body, Set<String> known, Map<String, String> problems) {
        for (String name : body.keySet()) {
            if (!known.contains(name)) {
                problems.put(printable(name), "is not a known field (known: " + new TreeSet<>(known) + ")");
            }
        }
    }

    private static @Nullable String email(Map<String, Object> body, boolean required, Map<String, String> problems) {
        Object n = body.get("email");
        if (n == null) {
            if (required) {
                problems.put("email", "is required");
            }
            return null;
        }
        if (!(n instanceof String s)) {
            problems.put("email", "must be a string");
            return null;
        }
        String email = s.trim().toLowerCase(Locale.ROOT);
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

    private static @Nullable String displayName(
            Map<String, Object> body, boolean required, Map<String, String> problems) {
        Object n = body.get("displayName");
        if (n == null) {
            if (required) {
                problems.put("displayName", "is required");
            }
            return null;
        }
        if (!(n instanceof String s)) {
            problems.put("displayName", "must be a string");
            return null;
        }
        String name = s.strip();
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

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 40; i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
