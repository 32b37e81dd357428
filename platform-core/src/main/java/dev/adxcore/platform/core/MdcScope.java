package dev.adxcore.platform.core;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Extra SLF4J MDC entries for a block of code, restored on close: for values that are not part of the
 * {@link PlatformContext} (a job name, an order id). The context's own keys come from
 * {@link PlatformContext#bind()}.
 *
 * <pre>{@code
 * try (MdcScope ignored = MdcScope.builder().put("job", "nightly-export").open()) {
 *     log.info("exporting");   // carries job=nightly-export
 * }
 * }</pre>
 *
 * <p>Scopes nest: an inner scope overrides only the keys it sets, and closing it restores exactly the values
 * (or absences) that were there when it opened. A scope must be closed on the thread that opened it; it is not
 * thread-safe and is meant for try-with-resources.
 *
 * @since 0.1.0
 */
public final class MdcScope implements AutoCloseable {

    private final String[] keys;
    private final @Nullable String[] previous;
    private boolean closed;

    private MdcScope(String[] keys, String[] values) {
        this.keys = keys;
        this.previous = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            previous[i] = MDC.get(keys[i]);
            MDC.put(keys[i], values[i]);
        }
    }

    /**
     * Starts describing a scope.
     *
     * @return a new builder
     * @since 0.1.0
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Restores every key this scope set to the value it had when the scope opened (removing keys that were
     * absent). Closing twice has no further effect.
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = keys.length - 1; i >= 0; i--) {
            String old = previous[i];
            if (old == null) {
                MDC.remove(keys[i]);
            } else {
                MDC.put(keys[i], old);
            }
        }
    }

    /**
     * Builds an {@link MdcScope}. Null values are not set (the outer value, if any, stays visible). Not
     * thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String[] keys = new String[4];
        private String[] values = new String[4];
        private int size;

        private Builder() {}

        /**
         * Adds an entry (setting a key twice keeps the last value).
         *
         * @param key the MDC key, not blank
         * @param value the value, or null to leave the key as it is
         * @return this builder
         * @throws IllegalArgumentException when the key is blank
         * @since 0.1.0
         */
        public Builder put(String key, @Nullable Object value) {
            Objects.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("MDC key must not be blank");
            }
            if (value == null) {
                return this;
            }
            String text = value.toString();
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    values[i] = text;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = text;
            size++;
            return this;
        }

        /**
         * Applies the entries to the calling thread's MDC.
         *
         * @return the open scope; close it on this thread (try-with-resources)
         * @since 0.1.0
         */
        public MdcScope open() {
            return new MdcScope(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
        }
    }
}
