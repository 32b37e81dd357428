package dev.adxcore.platform.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.events.*}: the service's {@code EventBus} (platform-events), opened by URI through the
 * {@code EventBusProvider} ServiceLoader SPI: {@code memory:}, {@code redis://host:6379} (platform-events-redis),
 * {@code kafka://host:9092} (platform-events-kafka). Durations use the SDK's grammar ({@code 5s}, {@code PT5S}).
 *
 * <p>A mutable bean that Spring binds once at start-up; not thread-safe, so read it only while the context
 * starts. Cheap: binding it connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.events")
public class PlatformEventsProperties {

    /** Whether to auto-configure the bus when platform-events is on the classpath. */
    private boolean enabled = true;
    /** The bus URI; its scheme picks the provider jar. Default: memory: (one process only). */
    private String url = "memory:";
    /** Largest accepted event, in bytes. */
    private @Nullable Integer maxEventBytes;
    /** How long a publish may take before it fails, such as 5s. */
    private @Nullable String publishTimeout;
    /** How long closing waits for in-flight deliveries, such as 10s. */
    private @Nullable String closeTimeout;
    /** The service name stamped on events. Default: spring.application.name. */
    private @Nullable String serviceName;

    /** Creates the properties with the defaults. */
    public PlatformEventsProperties() {}

    /** @return whether the bus is auto-configured */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the bus is auto-configured */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the bus URI */
    public String getUrl() {
        return url;
    }

    /** @param url the bus URI */
    public void setUrl(String url) {
        this.url = url;
    }

    /** @return the largest event in bytes, or null for the default */
    public @Nullable Integer getMaxEventBytes() {
        return maxEventBytes;
    }

    /** @param maxEventBytes the largest event in bytes */
    public void setMaxEventBytes(@Nullable Integer maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** @return the publish timeout as written, or null */
    public @Nullable String getPublishTimeout() {
        return publishTimeout;
    }

    /** @param publishTimeout the publish timeout */
    public void setPublishTimeout(@Nullable String publishTimeout) {
        this.publishTimeout = publishTimeout;
    }

    /** @return the close timeout as written, or null */
    public @Nullable String getCloseTimeout() {
        return closeTimeout;
    }

    /** @param closeTimeout the close timeout */
    public void setCloseTimeout(@Nullable String closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /** @return the service name, or null for spring.application.name */
    public @Nullable String getServiceName() {
        return serviceName;
    }

    /** @param serviceName the service name */
    public void setServiceName(@Nullable String serviceName) {
        this.serviceName = serviceName;
    }
}
