package dev.adxcore.platform.test;

import org.jspecify.annotations.Nullable;

/**
 * The test kit could not provide a server a test asked for: an explicit setting points at a server that
 * does not answer or is the wrong kind (a "replica" not in recovery), or no source of servers is possible.
 * The message names the setting, what was found and the fix. Immutable once thrown.
 *
 * @since 0.1.0
 */
public final class TestServersUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked, what was found and how to fix it
     * @param cause the underlying failure, or {@code null}
     * @since 0.1.0
     */
    public TestServersUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
