package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.spring.boot.autoconfigure.PlatformConfigurationException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads bound property text through platform-core's one grammar and turns refusals into start-up failures.
 * Thread-safe (stateless); each call costs one parse, at start-up only.
 */
public final class Props {

    private Props() {}

    /**
     * Parses a duration property, if set, and hands it on.
     *
     * @param property the full property name, used in the error message
     * @param text the bound text, or null when unset
     * @param sink where the parsed duration goes
     */
    public static void duration(String property, @Nullable String text, Consumer<Duration> sink) {
        if (text != null && !text.isBlank()) {
            sink.accept(Settings.parseDuration(property, text));
        }
    }

    /**
     * Runs the SDK's validation of the properties under {@code prefix}, turning its refusal into a
     * {@link PlatformConfigurationException} with the same message.
     *
     * @param prefix the property prefix
     * @param build the code that parses and builds the config
     * @param <T> the config type
     * @return the built config
     */
    public static <T> T validated(String prefix, Supplier<T> build) {
        try {
            return build.get();
        } catch (PlatformConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new PlatformConfigurationException(prefix, e);
        }
    }
}
