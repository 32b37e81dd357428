package dev.adxcore.platform.database;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a committed read-write unit of work: the value the work returned and the
 * {@link CausalToken} of the commit, for later {@link ReadConsistency#causal(CausalToken)} reads.
 * Immutable, and thread-safe when its value is; cheap (two references).
 *
 * @param <T> the type of the work's result
 * @since 0.1.0
 */
public final class Committed<T extends @Nullable Object> {

    private final T value;
    private final CausalToken token;

    /**
     * Creates the outcome.
     *
     * @param value the work's result
     * @param token the primary's WAL position after the commit
     */
    public Committed(T value, CausalToken token) {
        this.value = value;
        this.token = Objects.requireNonNull(token, "token");
    }

    /** @return what the work returned */
    public T value() {
        return value;
    }

    /** @return the primary's WAL position right after the commit */
    public CausalToken token() {
        return token;
    }

    @Override
    public String toString() {
        return "Committed{value=" + value + ", token=" + token + '}';
    }
}
