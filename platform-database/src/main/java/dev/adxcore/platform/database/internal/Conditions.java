package dev.adxcore.platform.database.internal;

/**
 * Checks a caller's SQL condition before it is wrapped in parentheses after the tenant filter: the
 * condition must not be able to close the parentheses, end the statement or comment out the rest, and
 * must not read or change run-time settings ({@code set_config}, {@code current_setting}, in any
 * spelling: quoted, schema-qualified, any case), so a condition can neither switch its unit's tenant
 * nor leave one behind on the connection. Other function calls ({@code lower(name) = ?}) are allowed.
 * Thread-safe (stateless); a check costs one pass over the condition, no I/O.
 */
public final class Conditions {

    private Conditions() {}

    /**
     * Checks the condition and counts its {@code ?} placeholders.
     *
     * @param condition SQL boolean expression written in code, values as {@code ?}
     * @param parameterCount how many values the caller bound
     * @throws IllegalArgumentException when the condition is unsafe or the counts differ
     */
    public static void check(String condition, int parameterCount) {
        if (condition.isBlank()) {
            throw new IllegalArgumentException("condition must not be blank");
        }
        forbiddenFunctions(condition);
        int depth = 0;
        int placeholders = 0;
        int n = condition.length();
        for (int i = 0; i < n; i++) {
            char c = condition.charAt(i);
            switch (c) {
                case '\'', '"' -> {
                    int end = condition.indexOf(c, i + 1);
                    while (end >= 0 && end + 1 < n && condition.charAt(end + 1) == c) {
                        end = condition.indexOf(c, end + 2);
                    }
                    if (end < 0) {
                        throw unsafe(condition, "an unterminated quote");
                    }
                    if (c == '\'' && i > 0 && (condition.charAt(i - 1) == 'e' || condition.charAt(i - 1) == 'E')) {
                        if (condition.substring(i, end).indexOf('\\') >= 0) {
                            throw unsafe(condition, "a backslash in an E'' string");
                        }
                    }
                    i = end;
                }
                case '(' -> depth++;
                case ')' -> {
                    if (--depth < 0) {
                        throw unsafe(condition, "a ')' without its '('");
                    }
                }
                case ';' -> throw unsafe(condition, "';'");
                case '$' -> throw unsafe(condition, "'$' (dollar quoting or positional parameters; use ?)");
                case '-' -> {
                    if (i + 1 < n && condition.charAt(i + 1) == '-') {
                        throw unsafe(condition, "a '--' comment");
                    }
                }
                case '/' -> {
                    if (i + 1 < n && condition.charAt(i + 1) == '*') {
                        throw unsafe(condition, "a '/*' comment");
                    }
                }
                case '?' -> {
                    if (i + 1 < n && condition.charAt(i + 1) == '?') {
                        i++;
                    } else {
                        placeholders++;
                    }
                }
                default -> {}
            }
        }
        if (depth != 0) {
            throw unsafe(condition, "a '(' without its ')'");
        }
        if (placeholders != parameterCount) {
            throw new IllegalArgumentException("condition has " + placeholders + " placeholder(s) but " + parameterCount
                    + " parameter(s) were given: bind every value with ? (condition: " + condition + ")");
        }
    }

    private static final java.util.Set<String> SETTING_FUNCTIONS = java.util.Set.of("set_config", "current_setting");

    /** Rejects any identifier, quoted or not, that names a function reading or changing settings. */
    private static void forbiddenFunctions(String condition) {
        int n = condition.length();
        int i = 0;
        while (i < n) {
            char c = condition.charAt(i);
            if (c == '\'') {
                int end = condition.indexOf('\'', i + 1);
                while (end >= 0 && end + 1 < n && condition.charAt(end + 1) == '\'') {
                    end = condition.indexOf('\'', end + 2);
                }
                i = end < 0 ? n : end + 1;
            } else if (c == '"') {
                int end = condition.indexOf('"', i + 1);
                String name = condition.substring(i + 1, end < 0 ? n : end).replace("\"\"", "\"");
                checkName(condition, name.toLowerCase(java.util.Locale.ROOT));
                i = end < 0 ? n : end + 1;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n
                        && (Character.isLetterOrDigit(condition.charAt(i))
                                || condition.charAt(i) == '_'
                                || condition.charAt(i) == '$')) {
                    i++;
                }
                checkName(condition, condition.substring(start, i).toLowerCase(java.util.Locale.ROOT));
            } else {
                i++;
            }
        }
    }

    private static void checkName(String condition, String name) {
        if (SETTING_FUNCTIONS.contains(name)) {
            throw new IllegalArgumentException("condition must not call " + name + "(...): conditions cannot read or "
                    + "change settings such as app.tenant_id (the unit of work sets the tenant); write a plain boolean "
                    + "expression over the table's columns and bind values with ? (condition: " + condition + ")");
        }
    }

    private static IllegalArgumentException unsafe(String condition, String what) {
        return new IllegalArgumentException("condition must not contain " + what
                + ": write a single boolean expression and bind values with ? (condition: " + condition + ")");
    }
}
