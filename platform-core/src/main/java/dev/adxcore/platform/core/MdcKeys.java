package dev.adxcore.platform.core;

/**
 * The SLF4J MDC keys under which every platform jar logs the bound {@link PlatformContext}: use them in log
 * patterns ({@code %X{tenant_id}}) and JSON encoders. {@link PlatformContext#bind()} writes exactly these keys
 * (and removes those the context has no value for) and restores them on close. Constants only: immutable and
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class MdcKeys {

    /** The tenant id (a UUID). */
    public static final String TENANT_ID = "tenant_id";
    /** The user id. */
    public static final String USER_ID = "user_id";
    /** The correlation id. */
    public static final String CORRELATION_ID = "correlation_id";
    /** The causation id (the event, request or workflow that caused this work). */
    public static final String CAUSATION_ID = "causation_id";
    /** The W3C trace id (32 lowercase hex characters). */
    public static final String TRACE_ID = "trace_id";
    /** The W3C span id (16 lowercase hex characters). */
    public static final String SPAN_ID = "span_id";

    private MdcKeys() {}
}
