package dev.adxcore.platform.database;

import java.util.Objects;

/**
 * A position in the primary's write-ahead log, taken right after a read-write unit of work committed.
 * Pass it to {@link ReadConsistency#causal(CausalToken)} (in the same request or a later one, for
 * example through a response header and back) to read from a replica that has replayed at least that
 * far, which gives read-your-writes across requests.
 *
 * <p>Its text form ({@link #toString()}, {@link #parse(String)}) is PostgreSQL's {@code pg_lsn}
 * notation such as {@code 0/16B3748}: small, opaque to users and safe to hand to clients (it reveals
 * only a WAL position). Immutable and thread-safe; ordered by position; cheap (one {@code long}), and parsing
 * or printing it costs no I/O.
 *
 * @since 0.1.0
 */
public final class CausalToken implements Comparable<CausalToken> {

    private final long lsn;

    private CausalToken(long lsn) {
        this.lsn = lsn;
    }

    /**
     * A token for a raw log sequence number.
     *
     * @param lsn the 64-bit WAL position
     * @return the token
     */
    public static CausalToken ofLsn(long lsn) {
        return new CausalToken(lsn);
    }

    /**
     * Parses the {@code pg_lsn} text form ({@code X/Y}, both hexadecimal).
     *
     * @param text such as {@code 0/16B3748}
     * @return the token
     * @throws IllegalArgumentException when the text is not a {@code pg_lsn}
     */
    public static CausalToken parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("causal token must look like 0/16B3748 (was '" + text + "')");
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            return new CausalToken((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("causal token must look like 0/16B3748 (was '" + text + "')", e);
        }
    }

    /** @return the 64-bit WAL position */
    public long lsn() {
        return lsn;
    }

    @Override
    public int compareTo(CausalToken other) {
        return Long.compareUnsigned(lsn, other.lsn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalToken other && other.lsn == lsn;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lsn);
    }

    /** @return the {@code pg_lsn} text form, such as {@code 0/16B3748} */
    @Override
    public String toString() {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT)
                + '/'
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
