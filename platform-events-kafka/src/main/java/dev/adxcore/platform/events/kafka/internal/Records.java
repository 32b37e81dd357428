package dev.adxcore.platform.events.kafka.internal;

import dev.adxcore.platform.events.CloudEventJson;
import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.Event;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * How events and dead letters are laid out in Kafka records.
 *
 * <p>An event record: key = the aggregate id (UTF-8; none for events without one), value = the event's
 * CloudEvents JSON (structured mode), header {@code content-type: application/cloudevents+json}; a replayed dead
 * letter also carries {@code platform.replay-for: <subscription>}.
 *
 * <p>A dead-letter record (topic {@code <topic>.dlt.<subscription>}): the original key and value, unchanged, and
 * the cause in headers: {@code platform.dlt.subscription}, {@code .error.class}, {@code .error.message} (when the
 * exception had one; at most 4,000 characters), {@code .attempts}, {@code .first.failure}, {@code .last.failure}
 * (ISO-8601), {@code .topic}, {@code .partition}, {@code .offset} (where the record was), and
 * {@code .malformed: true} for a record that was not a valid event.
 */
final class Records {

    static final String CONTENT_TYPE = "content-type";
    static final String REPLAY_FOR = "platform.replay-for";
    static final String DLT = "platform.dlt.";
    static final String MALFORMED_TYPE = "platform.malformed-record";
    private static final int MAX_MESSAGE = 4000;

    private Records() {}

    static Headers eventHeaders(@Nullable String replayFor) {
        RecordHeaders h = new RecordHeaders();
        h.add(CONTENT_TYPE, utf8(CloudEventJson.MEDIA_TYPE));
        if (replayFor != null) {
            h.add(REPLAY_FOR, utf8(replayFor));
        }
        return h;
    }

    static byte @Nullable [] key(Event event) {
        return event.aggregateId().map(Records::utf8).orElse(null);
    }

    static Headers deadLetterHeaders(ConsumerRecord<byte[], byte[]> record, DeadLetter dl, boolean malformed) {
        RecordHeaders h = new RecordHeaders();
        Header type = record.headers().lastHeader(CONTENT_TYPE);
        if (type != null) {
            h.add(CONTENT_TYPE, type.value());
        }
        h.add(DLT + "subscription", utf8(dl.subscriptionId()));
        h.add(DLT + "error.class", utf8(dl.errorClass()));
        String message = dl.errorMessage();
        if (message != null) {
            h.add(
                    DLT + "error.message",
                    utf8(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message));
        }
        h.add(DLT + "attempts", utf8(Integer.toString(dl.attempts())));
        h.add(DLT + "first.failure", utf8(dl.firstFailure().toString()));
        h.add(DLT + "last.failure", utf8(dl.lastFailure().toString()));
        h.add(DLT + "topic", utf8(record.topic()));
        h.add(DLT + "partition", utf8(Integer.toString(record.partition())));
        h.add(DLT + "offset", utf8(Long.toString(record.offset())));
        if (malformed) {
            h.add(DLT + "malformed", utf8("true"));
        }
        return h;
    }

    static boolean isMalformed(ConsumerRecord<byte[], byte[]> deadLetter) {
        return "true".equals(header(deadLetter.headers(), DLT + "malformed"));
    }

    /** Reads a dead-letter record back; a malformed one becomes its stand-in event. */
    static DeadLetter readDeadLetter(ConsumerRecord<byte[], byte[]> r, String subscriptionId) {
        Headers h = r.headers();
        Event event;
        if (isMalformed(r)) {
            event = malformed(
                    orElse(header(h, DLT + "topic"), r.topic()),
                    parseInt(header(h, DLT + "partition"), -1),
                    parseLong(header(h, DLT + "offset")),
                    r.key(),
                    r.value());
        } else {
            try {
                event = CloudEventJson.read(r.value() == null ? new byte[0] : r.value());
            } catch (RuntimeException e) {
                event = malformed(r.topic(), r.partition(), r.offset(), r.key(), r.value());
            }
        }
        Instant last = instant(header(h, DLT + "last.failure"));
        String first = header(h, DLT + "first.failure");
        return new DeadLetter(
                event,
                subscriptionId,
                orElse(header(h, DLT + "error.class"), "unknown"),
                header(h, DLT + "error.message"),
                Math.max(1, parseInt(header(h, DLT + "attempts"), 1)),
                first == null ? last : instant(first),
                last);
    }

    /** The stand-in for a record that is not a valid event: its position, key and value (text, or base64). */
    static Event malformed(String topic, int partition, long offset, byte @Nullable [] key, byte @Nullable [] value) {
        StringBuilder json = new StringBuilder("{\"topic\":");
        quote(json, topic);
        json.append(",\"partition\":").append(partition).append(",\"offset\":").append(offset);
        if (key != null) {
            json.append(",\"key\":");
            quote(json, text(key));
        }
        if (value != null) {
            String text = strictUtf8(value);
            if (text != null) {
                json.append(",\"value\":");
                quote(json, text);
            } else {
                json.append(",\"valueBase64\":\"")
                        .append(Base64.getEncoder().encodeToString(value))
                        .append('"');
            }
        }
        json.append('}');
        return Event.builder(MALFORMED_TYPE)
                .id("malformed-" + topic + "-" + partition + "-" + offset)
                .source(URI.create("/platform-events-kafka"))
                .data(json.toString())
                .build();
    }

    static @Nullable String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : text(h.value());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static @Nullable String strictUtf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String orElse(@Nullable String s, String other) {
        return s == null ? other : s;
    }

    private static int parseInt(@Nullable String s, int orElse) {
        try {
            return s == null ? orElse : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return orElse;
        }
    }

    private static long parseLong(@Nullable String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant instant(@Nullable String s) {
        try {
            return s == null ? Instant.EPOCH : Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
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
