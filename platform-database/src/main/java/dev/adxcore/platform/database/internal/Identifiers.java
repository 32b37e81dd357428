package dev.adxcore.platform.database.internal;

import java.util.regex.Pattern;

/**
 * Validates and quotes SQL identifiers. Only plain lower-case identifiers are accepted, then always quoted.
 * Thread-safe (stateless); each call costs one regex match.
 */
public final class Identifiers {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Identifiers() {}

    /**
     * Quotes one identifier after checking it is a plain lower-case SQL identifier.
     *
     * @param what what the identifier names, for the message ("column", "table")
     * @param identifier the identifier
     * @return the identifier in double quotes
     * @throws IllegalArgumentException when the identifier is not plain
     */
    public static String quote(String what, String identifier) {
        if (!PLAIN.matcher(identifier).matches()) {
            throw new IllegalArgumentException(what + " must be a lower-case SQL identifier "
                    + "(letters a-z, digits, '_', not starting with a digit, at most 63 characters) (was '"
                    + printable(identifier) + "')");
        }
        return '"' + identifier + '"';
    }

    /**
     * Quotes a table name, optionally qualified by one schema ({@code schema.table}).
     *
     * @param table the table name
     * @return the quoted, possibly qualified name
     * @throws IllegalArgumentException when a part is not a plain identifier
     */
    public static String quoteTable(String table) {
        int dot = table.indexOf('.');
        if (dot < 0) {
            return quote("table", table);
        }
        if (table.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException(
                    "table must be 'table' or 'schema.table' (was '" + printable(table) + "')");
        }
        return quote("schema", table.substring(0, dot)) + '.' + quote("table", table.substring(dot + 1));
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
