package dev.adxcore.platform.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.adxcore.platform.events.internal.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes events in the CloudEvents 1.0 JSON event format (structured mode).
 *
 * <p>Written: {@code specversion}, {@code id}, {@code source}, {@code type},
 * {@code datacontenttype: application/json}, {@code time} (RFC 3339, UTC), {@code subject} when set, the
 * platform extensions ({@code tenantid}, {@code correlationid}, {@code causationid}, {@code userid},
 * {@code aggregateid}, {@code aggregatetype}, {@code sourceservice}, {@code eventversion}), other
 * extensions, and {@code data} as the event's JSON text, unchanged. Reading accepts any CloudEvents 1.0
 * JSON event whose data is JSON; attributes of unknown name are kept as extensions, so
 * {@code read(write(e))} equals {@code e} and {@code write(read(json))} keeps every attribute.
 *
 * <p>Thread-safe (stateless); uses a streaming parser (no tree), so each call costs one pass over the event
 * and allocates only the output (the text, or the event and its data string).
 *
 * @since 0.1.0
 */
public final class CloudEventJson {

    /** The media type of a structured-mode CloudEvent in JSON. */
    public static final String MEDIA_TYPE = "application/cloudevents+json";

    // Jackson's byte writer escapes a character outside the BMP as a \\u surrogate pair unless asked not to: with
    // this, writeBytes(e) is exactly write(e) in UTF-8
    private static final com.fasterxml.jackson.core.JsonFactory BYTES = Json.FACTORY
            .rebuild()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private CloudEventJson() {}

    /**
     * Writes the event as CloudEvents JSON.
     *
     * @param event the event
     * @return the JSON text
     */
    public static String write(Event event) {
        Objects.requireNonNull(event, "event");
        StringWriter out = new StringWriter(256 + event.data().length());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            write(event, g);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    private static void write(Event event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("specversion", "1.0");
        g.writeStringField("id", event.id());
        g.writeStringField("source", event.source().toString());
        g.writeStringField("type", event.type());
        g.writeStringField("datacontenttype", "application/json");
        g.writeStringField("time", event.time().toString());
        writeOptional(g, "subject", event.subject().orElse(null));
        writeOptional(
                g, "tenantid", event.tenantId().map(java.util.UUID::toString).orElse(null));
        g.writeStringField("correlationid", event.correlationId());
        writeOptional(g, "causationid", event.causationId().orElse(null));
        writeOptional(g, "userid", event.userId().orElse(null));
        writeOptional(g, "aggregateid", event.aggregateId().orElse(null));
        writeOptional(g, "aggregatetype", event.aggregateType().orElse(null));
        writeOptional(g, "sourceservice", event.sourceService().orElse(null));
        g.writeNumberField("eventversion", event.version());
        for (var e : event.extensions().entrySet()) {
            Object v = e.getValue();
            g.writeFieldName(e.getKey());
            if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Number n) {
                g.writeNumber(n.toString());
            } else {
                g.writeString(v.toString());
            }
        }
        g.writeFieldName("data");
        g.writeRawValue(event.data());
        g.writeEndObject();
    }

    /**
     * Writes the event as UTF-8 CloudEvents JSON.
     *
     * @param event the event
     * @return the JSON bytes
     */
    public static byte[] writeBytes(Event event) {
        Objects.requireNonNull(event, "event");
        // straight to UTF-8 bytes: no String of the whole event and no second copy to encode it
        java.io.ByteArrayOutputStream out =
                new java.io.ByteArrayOutputStream(256 + event.data().length());
        try (JsonGenerator g = BYTES.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            write(event, g);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a byte array failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a CloudEvents JSON event.
     *
     * @param json the JSON text
     * @return the event
     * @throws InvalidEventException if the text is not a valid CloudEvents 1.0 JSON event with JSON data
     */
    public static Event read(String json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            return read(p, (start, end) -> json.substring((int) start, (int) end), false);
        } catch (IOException e) {
            throw new InvalidEventException("CloudEvents JSON could not be read: " + e.getMessage(), e);
        }
    }

    /** The text between two offsets of the parser's input: characters of a String, bytes of a byte array. */
    private interface Slice {
        String of(long start, long end);
    }

    private static Event read(JsonParser p, Slice input, boolean bytes) {
        String specVersion = null;
        String id = null;
        String source = null;
        String type = null;
        String dataContentType = null;
        String time = null;
        String subject = null;
        String data = null;
        String tenantId = null;
        String correlationId = null;
        String causationId = null;
        String userId = null;
        String aggregateId = null;
        String aggregateType = null;
        String sourceService = null;
        Integer version = null;
        java.util.Map<String, Object> extensions = new java.util.LinkedHashMap<>();
        try {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("a CloudEvent must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("data")) {
                    long start = offset(p.currentTokenLocation(), bytes);
                    p.skipChildren(); // reads the whole value: malformed data fails here
                    if (t == JsonToken.VALUE_STRING) {
                        p.finishToken(); // string tokens are parsed lazily: consume it so the end offset is right
                    }
                    data = input.of(start, offset(p.currentLocation(), bytes));
                    continue;
                }
                if (t == JsonToken.VALUE_NULL) {
                    continue; // an absent optional attribute
                }
                switch (name) {
                    case "specversion" -> specVersion = text(p, name);
                    case "id" -> id = text(p, name);
                    case "source" -> source = text(p, name);
                    case "type" -> type = text(p, name);
                    case "datacontenttype" -> dataContentType = text(p, name);
                    case "time" -> time = text(p, name);
                    case "subject" -> subject = text(p, name);
                    case "dataschema" -> extensions.put("dataschema", text(p, name));
                    case "tenantid" -> tenantId = text(p, name);
                    case "correlationid" -> correlationId = text(p, name);
                    case "causationid" -> causationId = text(p, name);
                    case "userid" -> userId = text(p, name);
                    case "aggregateid" -> aggregateId = text(p, name);
                    case "aggregatetype" -> aggregateType = text(p, name);
                    case "sourceservice" -> sourceService = text(p, name);
                    case "eventversion" ->
                        version = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : parseVersion(text(p, name));
                    case "data_base64" ->
                        throw new InvalidEventException(
                                "binary data (data_base64) is not supported: event data must be JSON");
                    default -> extensions.put(name, scalar(p, t, name));
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidEventException("a CloudEvent must be a single JSON object (found trailing content)");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not well-formed CloudEvents JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidEventException("CloudEvents JSON could not be read: " + e.getMessage(), e);
        }
        if (!"1.0".equals(specVersion)) {
            throw new InvalidEventException("specversion must be \"1.0\" (was " + quote(specVersion) + ")");
        }
        String eventId = require("id", id);
        String eventSource = require("source", source);
        String eventType = require("type", type);
        if (dataContentType != null && !dataContentType.toLowerCase(Locale.ROOT).contains("json")) {
            throw new InvalidEventException(
                    "datacontenttype must be a JSON media type (was " + quote(dataContentType) + ")");
        }
        Event.Builder b = Event.builder(eventType).id(eventId).source(parseSource(eventSource));
        if (time != null) {
            b.time(parseTime(time));
        }
        b.subject(subject)
                .tenantId(tenantId)
                .correlationId(correlationId)
                .causationId(causationId)
                .userId(userId)
                .sourceService(sourceService);
        if (aggregateId != null || aggregateType != null) {
            String aggregate = require("aggregateid", aggregateId);
            b.aggregate(require("aggregatetype", aggregateType), aggregate);
        }
        if (version != null) {
            b.version(version);
        }
        extensions.forEach((k, v) -> {
            if (!Event.EXTENSION_NAME.matcher(k).matches()) {
                throw new InvalidEventException("attribute name must match [a-z0-9]{1,20} (was '" + k + "')");
            }
            b.extension(k, v);
        });
        if (data != null) {
            b.parsedData(data);
        }
        return b.build();
    }

    private static long offset(com.fasterxml.jackson.core.JsonLocation at, boolean bytes) {
        long offset = bytes ? at.getByteOffset() : at.getCharOffset();
        if (offset < 0) { // the parser read the bytes as another encoding (it detects UTF-16 and UTF-32)
            throw new InvalidEventException("CloudEvents JSON bytes must be UTF-8");
        }
        return offset;
    }

    /**
     * Reads a UTF-8 CloudEvents JSON event.
     *
     * @param json the JSON bytes
     * @return the event
     * @throws InvalidEventException if the bytes are not a valid CloudEvents 1.0 JSON event with JSON data
     */
    public static Event read(byte[] json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            return read(
                    p,
                    (start, end) -> new String(json, (int) start, (int) (end - start), StandardCharsets.UTF_8),
                    true);
        } catch (IOException e) {
            throw new InvalidEventException("CloudEvents JSON could not be read: " + e.getMessage(), e);
        }
    }

    private static void writeOptional(JsonGenerator g, String name, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static String text(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("attribute '" + name + "' must be a string (was " + p.currentToken() + ")");
        }
        return p.getText();
    }

    private static Object scalar(JsonParser p, JsonToken t, String name) throws IOException {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
            default ->
                throw new InvalidEventException(
                        "extension attribute '" + name + "' must be a string, number or boolean (was " + t + ")");
        };
    }

    private static int parseVersion(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidEventException("eventversion must be an integer (was " + quote(v) + ")", e);
        }
    }

    private static URI parseSource(String source) {
        try {
            return new URI(source);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidEventException("source must be a URI reference (was " + quote(source) + ")", e);
        }
    }

    private static Instant parseTime(String time) {
        Instant utc = parseUtc(time);
        if (utc != null) {
            return utc;
        }
        int dot = time.indexOf('.');
        if (dot >= 0 && (dot + 1 == time.length() || time.charAt(dot + 1) < '0' || time.charAt(dot + 1) > '9')) {
            // java.time reads "12:00:00.Z" (a decimal point without digits); RFC 3339 does not
            throw new InvalidEventException("time must be an RFC 3339 timestamp (was " + quote(time) + ")");
        }
        try {
            return OffsetDateTime.parse(time, RFC_3339).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("time must be an RFC 3339 timestamp (was " + quote(time) + ")", e);
        }
    }

    // STRICT: the default SMART resolver would read 2026-02-30 as February 28 and 24:00 as the next midnight
    private static final java.time.format.DateTimeFormatter RFC_3339 =
            java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.withResolverStyle(
                    java.time.format.ResolverStyle.STRICT);

    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /**
     * The form this class writes ({@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}) without the general parser (a fifth of the
     * cost of reading an event); {@code null} for any other form, which the general parser then reads or rejects.
     */
    private static @Nullable Instant parseUtc(String s) {
        int n = s.length();
        if (n < 20
                || n > 30
                || s.charAt(n - 1) != 'Z'
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (s.charAt(19) != '.') {
                return null;
            }
            int f = fraction == 0 ? -1 : digits(s, 20, n - 1);
            if (f < 0) {
                return null;
            }
            nanos = f * POW10[9 - fraction];
        }
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        try {
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                    .toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            throw new InvalidEventException("time must be an RFC 3339 timestamp (was " + quote(s) + ")", e);
        }
    }

    /** The decimal number of {@code s[from, to)}, or -1 if a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static String require(String name, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidEventException("required attribute '" + name + "' is missing");
        }
        return value;
    }

    private static String quote(@Nullable String s) {
        return s == null ? "absent" : '"' + (s.length() > 100 ? s.substring(0, 100) + "..." : s) + '"';
    }
}
