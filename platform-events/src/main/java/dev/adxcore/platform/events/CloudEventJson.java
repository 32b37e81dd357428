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
            g.writeStartObject();
            g.writeStringField("specversion", "1.0");
            g.writeStringField("id", event.id());
            g.writeStringField("source", event.source().toString());
            g.writeStringField("type", event.type());
            g.writeStringField("datacontenttype", "application/json");
            g.writeStringField("time", event.time().toString());
            writeOptional(g, "subject", event.subject().orElse(null));
            writeOptional(
                    g,
                    "tenantid",
                    event.tenantId().map(java.util.UUID::toString).orElse(null));
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
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    /**
     * Writes the event as UTF-8 CloudEvents JSON.
     *
     * @param event the event
     * @return the JSON bytes
     */
    public static byte[] writeBytes(Event event) {
        return write(event).getBytes(StandardCharsets.UTF_8);
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
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("a CloudEvent must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("data")) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    if (t == JsonToken.VALUE_STRING) {
                        p.finishToken(); // string tokens are parsed lazily: consume it so the end offset is right
                    }
                    int end = (int) p.currentLocation().getCharOffset();
                    data = json.substring(start, end);
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
            b.data(data);
        }
        return b.build();
    }

    /**
     * Reads a UTF-8 CloudEvents JSON event.
     *
     * @param json the JSON bytes
     * @return the event
     * @throws InvalidEventException if the bytes are not a valid CloudEvents 1.0 JSON event with JSON data
     */
    public static Event read(byte[] json) {
        return read(new String(Objects.requireNonNull(json, "json"), StandardCharsets.UTF_8));
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
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("time must be an RFC 3339 timestamp (was " + quote(time) + ")", e);
        }
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
