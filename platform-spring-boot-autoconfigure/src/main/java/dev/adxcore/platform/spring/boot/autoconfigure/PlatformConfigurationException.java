package dev.adxcore.platform.spring.boot.autoconfigure;

import java.util.Objects;

/**
 * A {@code platform.*} property that the SDK refused while the application started. Its message is the SDK's own
 * validation message (it names the setting, the bad value and the fix); Spring Boot's failure report shows it
 * unchanged, with the property prefix to look at. Immutable once thrown.
 *
 * @since 0.1.0
 */
public final class PlatformConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String prefix;

    /**
     * Wraps the SDK's validation failure of the properties under {@code prefix}.
     *
     * @param prefix the property prefix, such as {@code platform.database}
     * @param cause the SDK's exception; its message becomes this exception's message
     * @since 0.1.0
     */
    public PlatformConfigurationException(String prefix, IllegalArgumentException cause) {
        super(Objects.requireNonNull(cause, "cause").getMessage(), cause);
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * The property prefix whose values were refused.
     *
     * @return for example {@code platform.database}
     * @since 0.1.0
     */
    public String prefix() {
        return prefix;
    }
}
