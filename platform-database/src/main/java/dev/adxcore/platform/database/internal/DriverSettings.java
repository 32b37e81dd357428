package dev.adxcore.platform.database.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.postgresql.Driver;

/**
 * Reads the pgjdbc settings that decide how a multi-statement prepared statement reaches the server,
 * from every URL and the driver properties, and decides the form of the read-only fast path.
 *
 * <ul>
 *   <li>{@code preferQueryMode=extended} (default), {@code extendedForPrepared}, {@code extendedCacheEverything}:
 *       statements of one prepared statement go before one Sync, one implicit transaction;</li>
 *   <li>{@code preferQueryMode=simple}: pgjdbc sends each statement of the string as its own Query
 *       message, so each is its own transaction: reads use the explicit {@code BEGIN READ ONLY} form;</li>
 *   <li>{@code prepareThreshold} below 0, {@code stringtype=unspecified}, the {@code org.postgresql.forceBinary}
 *       system property: pgjdbc describes statements first (a Sync in between): explicit form;</li>
 *   <li>{@code prepareThreshold} 0 or more, {@code binaryTransfer} on or off: one Sync, the fast form.</li>
 * </ul>
 * Any other {@code preferQueryMode} value is refused, with the setting and the fix in the message.
 *
 * <p>Immutable and thread-safe; read once when the manager is created, so its cost (parsing the URLs) is paid
 * at start-up only.
 */
public final class DriverSettings {

    private static final Set<String> QUERY_MODES =
            Set.of("simple", "extended", "extendedforprepared", "extendedcacheeverything");

    private final boolean singleSyncSafe;
    private final List<String> reasons;

    private DriverSettings(boolean singleSyncSafe, List<String> reasons) {
        this.singleSyncSafe = singleSyncSafe;
        this.reasons = List.copyOf(reasons);
    }

    /**
     * Reads the settings of the given URLs (each merged with the driver properties, which win as in pgjdbc).
     *
     * @param urls the primary and replica JDBC URLs
     * @param driverProperties the configured driver properties
     * @return the decision
     * @throws IllegalArgumentException when a setting is neither handled nor valid, naming it and the fix
     */
    public static DriverSettings of(List<String> urls, Map<String, String> driverProperties) {
        boolean safe = !Boolean.getBoolean("org.postgresql.forceBinary");
        List<String> reasons = new ArrayList<>();
        if (!safe) {
            reasons.add("-Dorg.postgresql.forceBinary=true");
        }
        for (String url : urls) {
            Properties props = Driver.parseURL(url, null);
            if (props == null) {
                throw new IllegalArgumentException(
                        "not a PostgreSQL JDBC URL: " + url + " (expected jdbc:postgresql://host:port/database)");
            }
            driverProperties.forEach(props::setProperty);
            String mode = props.getProperty("preferQueryMode", "extended");
            String lowerMode = mode.toLowerCase(Locale.ROOT);
            if (!QUERY_MODES.contains(lowerMode)) {
                throw new IllegalArgumentException(
                        "preferQueryMode=" + mode + " is not supported: use extended (the default), "
                                + "extendedForPrepared, extendedCacheEverything or simple");
            }
            if (lowerMode.equals("simple")) {
                safe = false;
                reasons.add("preferQueryMode=simple");
            }
            String threshold = props.getProperty("prepareThreshold", "5").strip();
            int prepareThreshold;
            try {
                prepareThreshold = Integer.parseInt(threshold);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "prepareThreshold must be an integer (was '" + threshold
                                + "'): use 5 (the default), 0 behind PgBouncer in transaction mode without prepared-statement support, "
                                + "or -1",
                        e);
            }
            if (prepareThreshold < 0) {
                safe = false;
                reasons.add("prepareThreshold=" + prepareThreshold);
            }
            if ("unspecified"
                    .equalsIgnoreCase(props.getProperty("stringtype", "").strip())) {
                safe = false;
                reasons.add("stringtype=unspecified");
            }
        }
        return new DriverSettings(safe, reasons);
    }

    /**
     * @return whether a tenant prefix and a statement with typed parameters reach the server before one
     *         Sync (the one-implicit-transaction fast form of read-only units)
     */
    public boolean isSingleSyncSafe() {
        return singleSyncSafe;
    }

    /** @return the settings that made the fast form unsafe, for the start-up log */
    public List<String> reasons() {
        return reasons;
    }
}
