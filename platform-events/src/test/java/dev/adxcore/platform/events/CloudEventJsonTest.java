package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance with the CloudEvents 1.0 JSON event format (spec: cloudevents/spec, json-format.md), using
 * the spec's own examples, and exact round trips of our events.
 */
class CloudEventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** json-format.md, "3.1 Handling of data": the JSON-data example. */
    private static final String SPEC_JSON_DATA_EXAMPLE = """
            {
                "specversion" : "1.0",
                "type" : "com.example.someevent",
                "source" : "/mycontext",
                "subject": null,
                "id" : "C234-1234-1234",
                "time" : "2018-04-05T17:31:00Z",
                "comexampleextension1" : "value",
                "comexampleothervalue" : 5,
                "datacontenttype" : "application/json",
                "data" : {
                    "appinfoA" : "abc",
                    "appinfoB" : 123,
                    "appinfoC" : true
                }
            }
            """;

    /** json-format.md, "3.1": the binary-data example (data_base64). */
    private static final String SPEC_BINARY_EXAMPLE = """
            {
                "specversion" : "1.0",
                "type" : "com.example.someevent",
                "source" : "/mycontext",
                "id" : "A234-1234-1234",
                "time" : "2018-04-05T17:31:00Z",
                "comexampleextension1" : "value",
                "comexampleothervalue" : 5,
                "datacontenttype" : "application/vnd.apache.thrift.binary",
                "data_base64" : "... base64 encoded string ..."
            }
            """;

    /** json-format.md, "3.1": the XML-data example. */
    private static final String SPEC_XML_EXAMPLE = """
            {
                "specversion" : "1.0",
                "type" : "com.example.someevent",
                "source" : "/mycontext",
                "id" : "B234-1234-1234",
                "time" : "2018-04-05T17:31:00Z",
                "comexampleextension1" : "value",
                "comexampleothervalue" : 5,
                "unsetextension": null,
                "datacontenttype" : "application/xml",
                "data" : "<much wow=\\"xml\\"/>"
            }
            """;

    @Test
    void readsTheSpecsJsonDataExample() {
        Event e = CloudEventJson.read(SPEC_JSON_DATA_EXAMPLE);

        assertThat(e.id()).isEqualTo("C234-1234-1234");
        assertThat(e.type()).isEqualTo("com.example.someevent");
        assertThat(e.source()).isEqualTo(URI.create("/mycontext"));
        assertThat(e.time()).isEqualTo(Instant.parse("2018-04-05T17:31:00Z"));
        assertThat(e.subject()).isEmpty();
        assertThat(e.extensions()).containsEntry("comexampleextension1", "value");
        assertThat(((Number) e.extensions().get("comexampleothervalue")).intValue())
                .isEqualTo(5);
    }

    @Test
    void keepsTheDataOfTheSpecsExampleAsItsExactJsonText() {
        Event e = CloudEventJson.read(SPEC_JSON_DATA_EXAMPLE);

        assertThat(e.data()).isEqualTo("""
                {
                        "appinfoA" : "abc",
                        "appinfoB" : 123,
                        "appinfoC" : true
                    }""");
    }

    @Test
    void writingTheSpecsExampleBackKeepsEveryAttributeAndTheData() throws Exception {
        JsonNode original = JSON.readTree(SPEC_JSON_DATA_EXAMPLE);

        JsonNode written = JSON.readTree(CloudEventJson.write(CloudEventJson.read(SPEC_JSON_DATA_EXAMPLE)));

        for (Map.Entry<String, JsonNode> attr : original.properties()) {
            if (attr.getValue().isNull()) {
                assertThat(written.has(attr.getKey()))
                        .as("null attribute %s stays absent", attr.getKey())
                        .isFalse();
            } else {
                assertThat(written.get(attr.getKey())).as(attr.getKey()).isEqualTo(attr.getValue());
            }
        }
    }

    @Test
    void unknownExtensionsSurviveARoundTrip() {
        String json = """
                {"specversion":"1.0","id":"1","source":"urn:x","type":"a.b","comexamplestring":"v",
                 "comexampleint":42,"comexampledecimal":1.5,"comexampleflag":false,"data":null}""";

        Event back = CloudEventJson.read(CloudEventJson.write(CloudEventJson.read(json)));

        assertThat(back.extensions()).containsEntry("comexamplestring", "v").containsEntry("comexampleflag", false);
        assertThat(((Number) back.extensions().get("comexampleint")).longValue())
                .isEqualTo(42L);
        assertThat(back.extensions().get("comexampledecimal")).isEqualTo(new BigDecimal("1.5"));
    }

    @Test
    void rejectsTheSpecsBinaryDataExampleBecauseDataMustBeJson() {
        assertThatThrownBy(() -> CloudEventJson.read(SPEC_BINARY_EXAMPLE))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("binary data (data_base64) is not supported: event data must be JSON");
    }

    @Test
    void rejectsTheSpecsXmlExampleBecauseItsContentTypeIsNotJson() {
        assertThatThrownBy(() -> CloudEventJson.read(SPEC_XML_EXAMPLE))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("datacontenttype must be a JSON media type (was \"application/xml\")");
    }

    @Test
    void readsJsonStringDataAsTheQuotedString() {
        String json = """
                {"specversion":"1.0","id":"1","source":"/s","type":"a.b","data":"hello \\"world\\""}""";

        assertThat(CloudEventJson.read(json).data()).isEqualTo("\"hello \\\"world\\\"\"");
    }

    @Test
    void readsScalarDataAtTheEndOfTheObject() {
        String json = """
                {"specversion":"1.0","id":"1","source":"/s","type":"a.b","data":12.50}""";

        assertThat(CloudEventJson.read(json).data()).isEqualTo("12.50");
    }

    @Test
    void ourEventsRoundTripExactly() {
        Event parent = Event.builder("order.placed")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .userId("u-1")
                .build();
        Event event = Event.builder("order.shipped")
                .causedBy(parent)
                .source(URI.create("https://shop.example/orders"))
                .time(Instant.parse("2025-06-30T23:59:59.999999999Z"))
                .subject("orders/7")
                .aggregate("order", "7")
                .sourceService("shipping")
                .version(3)
                .extension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .extension("attempt", 2)
                .extension("express", true)
                .data("{\"carrier\":\"ups\",  \"items\" : [ {\"sku\":\"é-✓\"} ] }")
                .build();

        String json = CloudEventJson.write(event);
        Event back = CloudEventJson.read(json);

        assertThat(back).isEqualTo(event);
        assertThat(back.data()).isEqualTo(event.data());
        assertThat(CloudEventJson.write(back)).isEqualTo(json);
        assertThat(CloudEventJson.read(CloudEventJson.writeBytes(event))).isEqualTo(event);
    }

    @Test
    void writesPlatformMetadataAsSpecConformantExtensionAttributes() throws Exception {
        Event event = Event.builder("user.created")
                .tenantId("9e8d7c6b-5a49-4838-a726-150493827161")
                .aggregate("user", "42")
                .userId("u-3")
                .sourceService("users")
                .build();

        JsonNode json = JSON.readTree(CloudEventJson.write(event));

        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.get("tenantid").asText()).isEqualTo("9e8d7c6b-5a49-4838-a726-150493827161");
        assertThat(json.get("aggregateid").asText()).isEqualTo("42");
        assertThat(json.get("aggregatetype").asText()).isEqualTo("user");
        assertThat(json.get("correlationid").asText()).isEqualTo(event.id());
        assertThat(json.get("eventversion").asInt()).isEqualTo(1);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("data")) {
                assertThat(name)
                        .as("attribute names are lowercase alphanumerics")
                        .matches("[a-z0-9]{1,20}");
            }
        }
    }

    @Test
    void rejectsAMissingRequiredAttribute() {
        assertThatThrownBy(() -> CloudEventJson.read("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"a.b\"}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("required attribute 'source' is missing");
    }

    @Test
    void rejectsAnotherSpecVersion() {
        assertThatThrownBy(() -> CloudEventJson.read(
                        "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\"}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("specversion must be \"1.0\" (was \"0.3\")");
    }

    @Test
    void readsUtf8BytesWithMultiByteTextAsTheSameEventAsTheText() {
        // byte offsets and character offsets differ once a character takes more than one byte
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t.x\","
                + "\"time\":\"2026-12-04T18:41:38.5Z\",\"subject\":\"caf\u00e9 \u20ac \ud83d\ude00\",\"data\":{\"name\":\"Gr\u00fc\u00dfe \ud83d\ude00\"},"
                + "\"comexamplenote\":\"\u00e9t\u00e9\"}";
        Event fromText = CloudEventJson.read(json);
        Event fromBytes = CloudEventJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(fromBytes.data()).isEqualTo("{\"name\":\"Gr\u00fc\u00dfe \ud83d\ude00\"}");
        assertThat(fromBytes.subject()).contains("caf\u00e9 \u20ac \ud83d\ude00");
        assertThat(fromBytes.extensions()).containsEntry("comexamplenote", "\u00e9t\u00e9");
        assertThat(CloudEventJson.write(fromBytes)).isEqualTo(CloudEventJson.write(fromText));
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t.x\",\"data\":{\"a\":1}}";
        assertThatThrownBy(() -> CloudEventJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void rejectsMalformedDataInsideAnEventOnBothPaths() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t.x\",\"data\":{\"a\":tru}}";
        assertThatThrownBy(() -> CloudEventJson.read(json)).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> CloudEventJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void readsEveryRfc3339FormAsTheGeneralParserDoes() {
        String[] times = {
            "2026-12-04T18:41:38Z",
            "2026-12-04T18:41:38.1Z",
            "2026-12-04T18:41:38.123456Z",
            "2026-12-04T18:41:38.123456789Z",
            "2024-02-29T23:59:59.999999999Z",
            "0001-01-01T00:00:00Z",
            "2026-12-04t18:41:38z",
            "2026-12-04T19:41:38.5+01:00",
            "2026-12-04T18:41:38-00:00"
        };
        for (String time : times) {
            assertThat(CloudEventJson.read(withTime(time)).time())
                    .as(time)
                    .isEqualTo(java.time.OffsetDateTime.parse(
                                    time.replace('t', 'T').replace('z', 'Z').replace("-00:00", "Z"))
                            .toInstant());
        }
    }

    @Test
    void rejectsImpossibleTimesEvenInTheWrittenForm() {
        for (String time : new String[] {
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-12-04T24:00:00Z",
            "2026-12-04T18:60:00Z",
            "2026-12-04T18:41:60Z",
            "2026-13-04T18:41:38Z",
            "2026-12-04T18:41:38.Z",
            "2026-12-04T18:41:38.+01:00",
            "2026-12-04T18:41:38.1234567890Z",
            "2026-02-30T00:00:00+01:00",
            "2026-12-04T24:00:00+00:00",
            "2026-12-04T18:4a:38Z",
            "2026-12-04 18:41:38Z"
        }) {
            assertThatThrownBy(() -> CloudEventJson.read(withTime(time)))
                    .as(time)
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("time must be an RFC 3339 timestamp");
        }
    }

    private static String withTime(String time) {
        return "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t.x\",\"time\":\"" + time
                + "\",\"data\":{}}";
    }

    @Test
    void writesTheSameUtf8BytesAsTheTextEncodedWhereverAMultiByteCharacterFalls() {
        // the byte writer encodes the data's raw JSON itself: a surrogate pair may straddle its internal buffers
        for (int pad = 3990; pad < 4010; pad++) {
            for (int big : new int[] {0, 8000, 16000}) {
                String data = "{\"p\":\"" + "x".repeat(pad + big) + "\ud83d\ude00\u00e9\u20ac\"}";
                Event e =
                        Event.builder("t.x").subject("s\ud83d\ude00").data(data).build();
                byte[] bytes = CloudEventJson.writeBytes(e);
                assertThat(bytes).isEqualTo(CloudEventJson.write(e).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(CloudEventJson.read(bytes).data()).isEqualTo(data);
            }
        }
    }
}
