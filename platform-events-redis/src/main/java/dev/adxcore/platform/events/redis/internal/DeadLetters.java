package dev.adxcore.platform.events.redis.internal;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import io.lettuce.core.StreamMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a dead-letter stream entry, and how a malformed event stream entry is represented.
 *
 * <p>A dead-letter entry holds {@code event} (CloudEvents JSON), {@code subscription}, {@code errorClass},
 * {@code errorMessage} (when the exception had one), {@code attempts}, {@code firstFailure},
 * {@code lastFailure} (ISO-8601) and {@code entryId} (the event stream entry). An entry of the event stream
 * that could not be parsed is dead-lettered as an event of type {@value #MALFORMED_TYPE} whose data holds the
 * entry id and its raw fields, and carries the flag field {@value #MALFORMED}.
 */
final class DeadLetters {

    static final String MALFORMED = "malformed";
    static final String MALFORMED_TYPE = "platform.malformed-entry";

    private DeadLetters() {}

    static Map<String, byte[]> fields(
            byte[] eventJson,
            String subscriptionId,
            String errorClass,
            @Nullable String errorMessage,
            int attempts,
            Instant firstFailure,
            Instant lastFailure,
            String entryId,
            boolean malformed) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put(RedisStreamsEventBus.FIELD_EVENT, eventJson);
        f.put("subscription", utf8(subscriptionId));
        f.put("errorClass", utf8(errorClass));
        if (errorMessage != null) {
            f.put("errorMessage", utf8(errorMessage));
        }
        f.put("attempts", utf8(Integer.toString(attempts)));
        f.put("firstFailure", utf8(firstFailure.toString()));
        f.put("lastFailure", utf8(lastFailure.toString()));
        f.put("entryId", utf8(entryId));
        if (malformed) {
            f.put(MALFORMED, utf8("true"));
        }
        return f;
    }

    /** The stand-in event for a stream entry that is not a valid event. */
    static Event malformedEntry(String entryId, @Nullable Map<String, byte[]> body) {
        StringBuilder json = new StringBuilder("{\"entryId\":");
        quote(json, entryId);
        json.append(",\"fields\":{");
        boolean first = true;
        if (body != null) {
            for (Map.Entry<String, byte[]> e : body.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                quote(json, e.getKey());
                json.append(':');
                quote(json, new String(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        json.append("}}");
        return Event.builder(MALFORMED_TYPE)
                .id("malformed-" + entryId)
                .source(URI.create("/platform-events-redis"))
                .data(json.toString())
                .build();
    }

    static DeadLetter read(StreamMessage<String, byte[]> entry, String subscriptionId) {
        Map<String, byte[]> f = entry.getBody();
        byte[] json = f.get(RedisStreamsEventBus.FIELD_EVENT);
        Event event;
        try {
            event = CloudEventJson.read(json == null ? new byte[0] : json);
        } catch (RuntimeException e) {
            event = malformedEntry(entry.getId(), f); // written by someone else: show it raw
        }
        Instant last = instant(f.get("lastFailure"));
        Instant first = f.containsKey("firstFailure") ? instant(f.get("firstFailure")) : last;
        return new DeadLetter(
                event,
                subscriptionId,
                text(f.get("errorClass"), "unknown"),
                f.containsKey("errorMessage") ? text(f.get("errorMessage"), "") : null,
                Math.max(1, parseInt(f.get("attempts"))),
                first,
                last);
    }

    private static Instant instant(byte @Nullable [] v) {
        try {
            return v == null ? Instant.EPOCH : Instant.parse(new String(v, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static int parseInt(byte @Nullable [] v) {
        try {
            return v == null ? 1 : Integer.parseInt(new String(v, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String text(byte @Nullable [] v, String orElse) {
        return v == null ? orElse : new String(v, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
