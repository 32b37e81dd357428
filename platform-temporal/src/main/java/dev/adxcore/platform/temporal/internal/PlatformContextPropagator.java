package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.temporal.WorkflowContext;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.context.ContextPropagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the {@link WorkflowContext} in four Temporal headers ({@code adx-tenant-id},
 * {@code adx-user-id}, {@code adx-correlation-id}, {@code adx-trace-id}) as plain UTF-8 payloads, so that
 * workers written in other SDKs can read them too. Stateless; one instance serves every client and
 * worker.
 */
public final class PlatformContextPropagator implements ContextPropagator {

    /** The propagator's name, also the key under which the SDK keeps its context. */
    public static final String NAME = "adx-platform-context";
    static final String TENANT = "adx-tenant-id";
    static final String USER = "adx-user-id";
    static final String CORRELATION = "adx-correlation-id";
    static final String TRACE = "adx-trace-id";

    private static final Logger log = LoggerFactory.getLogger(PlatformContextPropagator.class);
    private static final com.google.protobuf.ByteString ENCODING =
            com.google.protobuf.ByteString.copyFromUtf8("json/plain");

    /** The shared instance. */
    public static final PlatformContextPropagator INSTANCE = new PlatformContextPropagator();

    private PlatformContextPropagator() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Map<String, Payload> serializeContext(@Nullable Object context) {
        if (!(context instanceof WorkflowContext c)) {
            return Map.of();
        }
        Map<String, Payload> header = new HashMap<>(8);
        header.put(TENANT, payload(c.tenantId()));
        c.userId().ifPresent(u -> header.put(USER, payload(u)));
        header.put(CORRELATION, payload(c.correlationId()));
        header.put(TRACE, payload(c.traceId()));
        return header;
    }

    @Override
    public @Nullable Object deserializeContext(Map<String, Payload> header) {
        String tenant = text(header.get(TENANT));
        if (tenant == null) {
            return null;
        }
        try {
            return WorkflowContext.builder(tenant).userId(text(header.get(USER)))
                    .correlationId(require(header, CORRELATION)).traceId(require(header, TRACE)).build();
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring malformed platform context headers: {}", e.getMessage());
            return null;
        }
    }

    @Override
    public @Nullable Object getCurrentContext() {
        return CurrentContext.get();
    }

    @Override
    public void setCurrentContext(@Nullable Object context) {
        CurrentContext.set(context instanceof WorkflowContext c ? c : null);
    }

    private static String require(Map<String, Payload> header, String key) {
        String value = text(header.get(key));
        if (value == null) {
            throw new IllegalArgumentException("header " + key + " is missing");
        }
        return value;
    }

    private static Payload payload(String value) {
        // JSON string, so Temporal's default converter and UI read it as a string.
        return Payload.newBuilder().putMetadata("encoding", ENCODING)
                .setData(com.google.protobuf.ByteString.copyFromUtf8(Json.quote(value))).build();
    }

    private static @Nullable String text(@Nullable Payload payload) {
        if (payload == null) {
            return null;
        }
        return Json.unquote(payload.getData().toString(StandardCharsets.UTF_8));
    }
}
