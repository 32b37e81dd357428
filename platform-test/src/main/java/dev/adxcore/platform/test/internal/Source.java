package dev.adxcore.platform.test.internal;

/**
 * Where a server came from; {@link #label()} is what {@code source()} reports to tests. Immutable and
 * thread-safe, like every enum.
 */
public enum Source {
    /** Named by explicit settings such as {@code PLATFORM_TEST_POSTGRES_URL}. */
    SETTINGS("settings"),
    /** A Testcontainers container. */
    TESTCONTAINERS("testcontainers"),
    /** A private server started from installed binaries. */
    LOCAL("local"),
    /** A private server started from binaries that Maven downloaded from Maven Central. */
    MAVEN("maven");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    /** @return {@code settings}, {@code testcontainers}, {@code local} or {@code maven} */
    public String label() {
        return label;
    }
}
