package dev.adxcore.platform.events.spi;

/**
 * The publishing meters of a bus, tagged with its transport: {@code platform.events.published} (type, bounded
 * to 100 distinct types per bus, later ones {@code other}) and {@code platform.events.publish.failures}
 * (reason, from a fixed set the transport chooses, such as {@code timeout}, {@code unavailable},
 * {@code closed}). Never tagged with tenant ids, event ids or messages. Thread-safe; recording never throws and
 * is cheap (after a type's first event, a map lookup and a counter increment).
 *
 * @since 0.1.0
 */
public interface PublishMeters {

    /**
     * @param type the event type
     * @param count how many events of that type the transport stored
     */
    void published(String type, int count);

    /**
     * @param reason a bounded reason, lowercase, such as {@code timeout}
     * @param count how many events failed
     */
    void failed(String reason, int count);
}
